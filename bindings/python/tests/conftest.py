"""Fixtures for the Python binding's tests: the sandbox (one per session, reset before each
test), the library from the build tree, and the binding from src/ (no install needed)."""
from __future__ import annotations

import os
import pathlib
import sys
from typing import Any, Dict, Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sello_test_support import BINDING, CFDI_USER, FAST_RETRIES, FES_USER, FV_USER, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(BINDING / "src"))
os.environ.setdefault("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))

from control import Sandbox  # noqa: E402
from pytest_sandbox import sandbox, sandbox_server  # noqa: E402,F401  (fixtures)



@pytest.fixture()
def fes_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.fes_url, **FES_USER, "retries": FAST_RETRIES}


@pytest.fixture()
def fv_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.fv_url, **FV_USER, "retries": FAST_RETRIES}


@pytest.fixture()
def cfdi_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": FAST_RETRIES}


@pytest.fixture(scope="session")
def sat_certs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """Test SAT certificates made once per session with Tests/support/make_test_certs.py: the
    manifest's "sat" part ("csd", "other", "fiel", "expired": cer/key paths, rfc...) and
    "password" (the keys' password)."""
    import json
    import subprocess

    folder = tmp_path_factory.mktemp("sat-certs")
    out = subprocess.run([sys.executable, str(ROOT / "Tests" / "support" / "make_test_certs.py"), str(folder)],
                         capture_output=True, text=True, check=True, timeout=300)
    manifest = json.loads(out.stdout)
    return {**manifest["sat"], "password": manifest["password"]}
