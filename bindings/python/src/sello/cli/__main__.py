"""python3 -m sello.cli: the same as the `sello` console script."""

from . import main

main()
