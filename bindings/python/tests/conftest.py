"""Fixtures for the Python binding's tests: the sandbox (one per session, reset before each test),
the library from the build tree, and the binding from src/ (no install needed). The data and the
fixtures are the shared ones of Tests/support/sello_fixtures.py."""

from __future__ import annotations

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "Tests" / "support"))
sys.path.insert(0, str(ROOT / "bindings" / "python" / "src"))
os.environ.setdefault("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))

from sello_fixtures import certs, cfdi_config, fes_config, fv_config, sandbox, sandbox_server  # noqa: E402,F401
