"""The `sello` command (console script ``sello = sello.cli:main``), installed with the package's
``cli`` extra (click for the command line, rich for tables and progress): ``pip install click
rich``, or the wheel with its extra, ``pip install "/path/to/libsello-V-...whl[cli]"`` (libsello is
not on PyPI, so ``pip install "libsello[cli]"`` cannot work). A program that only uses the library
does not need them.

Run ``sello --help``; every subcommand has its own ``--help``. Configuration: ``sello config
--help``; exit codes: at the end of ``sello --help`` (and in sello/cli/_exit.py).
"""

from __future__ import annotations

import sys
from typing import NoReturn, Optional, Sequence

__all__ = ["main"]


def main(argv: Optional[Sequence[str]] = None) -> NoReturn:
    """The console script: runs the command and exits with its code."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "click or rich"
        sys.stderr.write(
            f"sello: the command needs the optional packages click and rich ({missing} is not installed).\n"
            "Install them with:  pip install click rich\n"
            '(or reinstall sello\'s wheel with its cli extra: pip install "/path/to/libsello-...whl[cli]")\n'
        )
        sys.exit(1)
    from ._app import run

    sys.exit(run(argv))
