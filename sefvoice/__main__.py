"""`python -m sefvoice` is the `sefvoice` command (the demo starts its worker so)."""

from .cli import main

main()
