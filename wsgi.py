"""Production entry point: gunicorn wsgi:app. Refuses to start on an un-migrated database."""

import gc

from sefvoice import create_app

app = create_app()
# Everything made while starting (the app, and pandas, scipy and reportlab imported for the
# staff pages) lives as long as the process: kept out of the garbage collector's full passes,
# which walked all of it (about 185,000 objects, over 100 ms, a stall for every request the
# worker held) several times a minute under load.
gc.freeze()
