"""The `sello` command (console script ``sello = sello.cli:main``), installed with the package's
``cli`` extra: ``pip install "libsello[cli]"`` (click for the command line, rich for tables and
progress). A program that only uses the library does not need them.

Run ``sello --help``; every subcommand has its own ``--help``. Configuration: ``sello config
--help``; exit codes: at the end of ``sello --help`` (and in sello/cli/_exit.py).
"""

from __future__ import annotations

import sys
from typing import NoReturn, Optional, Sequence

__all__ = ["main"]


def _distribution() -> str:
    """The name this package was installed under (for the install hint), e.g. "libsello"."""
    try:
        from importlib.metadata import packages_distributions

        names = packages_distributions().get("sello") or []
        return names[0] if names else "libsello"
    except Exception:  # noqa: BLE001 - Python 3.9 has no packages_distributions; only a hint
        return "libsello"


def main(argv: Optional[Sequence[str]] = None) -> NoReturn:
    """The console script: runs the command and exits with its code."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "click or rich"
        sys.stderr.write(
            f"sello: the command needs the optional packages click and rich ({missing} is not installed).\n"
            f'Install them with:  pip install "{_distribution()}[cli]"\n'
        )
        sys.exit(1)
    from ._app import run

    sys.exit(run(argv))
