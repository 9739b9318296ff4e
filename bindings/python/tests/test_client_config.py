"""The clients' constructors take every member of the client configuration docs/reference.md
documents for their service (the shared table and the service's own members) as a typed keyword,
and nothing else; the ones added late (allow_tls_key_log, fallback_ca_file) reach the library."""

from __future__ import annotations

import inspect
import json
import pathlib
import re
from typing import Any, Dict, List, Set

import pytest
import sello
from sello import _client, _sealed
from sello_fixtures import CFDI_BY_UUID, FES_REQUEST

REFERENCE = pathlib.Path(__file__).resolve().parents[3] / "docs" / "reference.md"
#: The service column of the reference's "Plus each service's own members" table.
SERVICE_ROWS = {"FES": sello.FES, "Firma Virtual": sello.FirmaVirtual, "CFDI": sello.CFDI}
NOT_CONFIGURATION = {"on_progress", "on_log", "log_level"}


def documented_members() -> Dict[type, Set[str]]:
    """Per client class, the configuration members the reference's two tables document."""
    text = REFERENCE.read_text(encoding="utf-8")
    section = text.split("\n## Client configuration\n", 1)[1].split("\n## ", 1)[0]
    shared_part, rest = section.split("Plus each service's own members", 1)
    own_part = rest.split("\n\n`environment`", 1)[0]  # that table, not the environments' below it
    shared = set(re.findall(r"^\| `(\w+)` \|", shared_part, re.MULTILINE))
    members: Dict[type, Set[str]] = {}
    for label, names in re.findall(r"^\| ([A-Za-z ]+) \| (`.*) \|$", own_part, re.MULTILINE):
        if label in SERVICE_ROWS:
            members[SERVICE_ROWS[label]] = shared | set(re.findall(r"`(\w+)`", names))
    assert set(members) == set(SERVICE_ROWS.values()) and "allow_tls_key_log" in shared
    return members


def keywords(client_class: type) -> List[str]:
    parameters = inspect.signature(client_class.__init__).parameters.values()
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.name not in NOT_CONFIGURATION]


@pytest.mark.parametrize("client_class", list(SERVICE_ROWS.values()), ids=list(SERVICE_ROWS))
def test_every_documented_member_is_a_keyword(client_class: type) -> None:
    expected = documented_members()[client_class]
    taken = keywords(client_class)
    assert sorted(expected - set(taken)) == [], "documented, but the constructor does not take it"
    assert sorted(set(taken) - expected) == [], "taken, but not documented"
    hints = inspect.signature(client_class.__init__).parameters
    assert all(hints[name].annotation != inspect.Parameter.empty for name in taken)


def test_allow_tls_key_log_makes_a_client_although_sslkeylogfile_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, cfdi_config: Dict[str, Any], sandbox: Any
) -> None:
    monkeypatch.setenv("SSLKEYLOGFILE", str(tmp_path / "keys.log"))
    with pytest.raises(sello.InvalidArgumentError) as refused:
        sello.CFDI(**cfdi_config)
    assert refused.value.code == "TLS_KEY_LOG"
    with sello.CFDI(**cfdi_config, allow_tls_key_log=True) as cfdi:
        with pytest.raises(sello.SelloError):
            cfdi.get_by_uuid(uuid="5FB2822E-396D-4725-8521-CDC4BDD20CCF")  # not stamped: an answer, not TLS_KEY_LOG
    assert len(sandbox.requests(CFDI_BY_UUID)) == 1


def test_an_explicit_fallback_ca_file_is_the_one_passed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, fes_config: Dict[str, Any], sandbox: Any
) -> None:
    sent: List[Dict[str, Any]] = []
    real = _client.encode

    def spy(request: Any, **kwargs: Any) -> bytes:
        sent.append(dict(_sealed.unseal(request)))  # the binding seals it (sello._sealed)
        return real(request, **kwargs)

    monkeypatch.setattr(_client, "encode", spy)
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    with sello.FES(**fes_config, fallback_ca_file=bundle) as fes:
        assert fes.obtain_certificate(**FES_REQUEST)["estado"] == "OK"
    assert sent[0]["fallback_ca_file"] == str(bundle)  # a path-like, as ca_file, and not certifi's
    with pytest.raises(sello.InvalidArgumentError) as unreadable:
        sello.FES(**fes_config, fallback_ca_file=str(tmp_path / "missing.pem"))
    assert unreadable.value.field == "fallback_ca_file", json.dumps(unreadable.value.envelope)
