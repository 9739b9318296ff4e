"""Shared by the Python examples: find the binding in a source checkout, read the sandbox URL,
print errors readably. (An installed `pip install bindings/python` needs none of this.)"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]

try:
    import sello  # noqa: F401  - installed with pip
except ImportError:
    sys.path.insert(0, str(ROOT / "bindings" / "python" / "src"))
    os.environ.setdefault("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))
    import sello  # noqa: F401


def sandbox_url() -> str:
    url = os.environ.get("SELLO_SANDBOX_URL", "")
    if not url:
        sys.exit("set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)")
    return url.rstrip("/")


def output_dir() -> pathlib.Path:
    folder = (
        sys.argv[1]
        if len(sys.argv) > 1
        else os.environ.get("SELLO_EXAMPLES_OUT") or tempfile.mkdtemp(prefix="sello-example-")
    )
    path = pathlib.Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def fail(what: str, error: "sello.SelloError") -> None:
    print(
        f"{what} failed: {error.kind} {error.code} (service code {error.service_code}, field {error.field}, "
        f"retryable {error.retryable})\n  {error.message}",
        file=sys.stderr,
    )
    sys.exit(1)


def log_line(level: int, message: str) -> None:
    print(f"    [log {('debug', 'info', 'warning', 'error')[level] if 0 <= level <= 3 else level}] {message}")
