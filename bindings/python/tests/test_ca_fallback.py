"""certifi as the library's fallback CA bundle: passed as `fallback_ca_file` when certifi is
installed and `ca_file` is not set (the library uses it only where the system has no bundle;
that part is tested through the .so in Tests/python/test_ca_search.py and, with the wheel on a
machine whose /etc/ssl is replaced, in Tests/dist/test_wheel.py)."""

from __future__ import annotations

import pathlib
import sys
import types
from typing import Any, Dict, Optional

import pytest
import sello
from sello import _client
from sello_fixtures import FES_REQUEST


def fake_certifi(monkeypatch: pytest.MonkeyPatch, path: Optional[pathlib.Path]) -> None:
    """Installs a stand-in `certifi` module (None: certifi is not installed)."""
    if path is None:
        monkeypatch.setitem(sys.modules, "certifi", None)  # import certifi -> ImportError
        return
    module = types.ModuleType("certifi")
    module.where = lambda: str(path)
    monkeypatch.setitem(sys.modules, "certifi", module)


@pytest.fixture()
def bundle(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "cacert.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    return path


def test_certifi_goes_along_as_the_fallback(monkeypatch: pytest.MonkeyPatch, bundle: pathlib.Path) -> None:
    fake_certifi(monkeypatch, bundle)
    config = _client.client_config(usuario="u", clave="c", ca_file=None)
    assert config == {"usuario": "u", "clave": "c", "fallback_ca_file": str(bundle)}


def test_no_fallback_when_ca_file_is_set(monkeypatch: pytest.MonkeyPatch, bundle: pathlib.Path) -> None:
    fake_certifi(monkeypatch, bundle)
    assert _client.client_config(usuario="u", ca_file="/my/ca.pem") == {"usuario": "u", "ca_file": "/my/ca.pem"}


def test_no_fallback_without_certifi(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_certifi(monkeypatch, None)
    assert _client.client_config(usuario="u") == {"usuario": "u"}
    assert _client.certifi_bundle() is None


def test_no_fallback_when_certifis_file_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    fake_certifi(monkeypatch, tmp_path / "gone.pem")
    assert _client.client_config(usuario="u") == {"usuario": "u"}


def test_the_library_accepts_the_fallback_and_calls_normally(
    monkeypatch: pytest.MonkeyPatch, bundle: pathlib.Path, fes_config: Dict[str, Any], sandbox: Any
) -> None:
    """This machine has a system bundle, so the fallback is carried but not needed."""
    fake_certifi(monkeypatch, bundle)
    with sello.FES(**fes_config) as fes:
        result = fes.obtain_certificate(**FES_REQUEST)
    assert result["estado"] == "OK"
    assert len(sandbox.requests("/generateFES")) == 1
