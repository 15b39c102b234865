"""`python -m sefvoice`: the `sefvoice` command, run by this interpreter."""

from .cli import main

main()
