"""The CFDI part of the first example of bindings/python/README.md, run as written against the
sandbox (only the credentials, the base_url and the CSD's paths filled in): CFDI 4.0 stamp_xml,
get_status, cancel_with_reason with a motivo."""

from __future__ import annotations

import pathlib
import re
from typing import Any, Dict

import sello
from sello_fixtures import CFDI_USER, cfdi40_xml, seal

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_the_cfdi_example_stamps_asks_and_cancels(
    cfdi_config: Dict[str, Any], certs: Dict[str, Any], tmp_path: pathlib.Path, monkeypatch: Any
) -> None:
    example = re.search(r"```python\nimport sello\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert example, "README.md no longer starts a python block with `import sello`"
    code = example.group(1)
    code = code[code.index("with sello.CFDI(") : code.index("sello.check_rut(")]
    other = certs["other"]  # a test CSD of EKU9003173C9, the README's emisor
    filled = {
        'usuario="...", password="...", contrato="..."': ", ".join(
            [*(f"{k}={v!r}" for k, v in CFDI_USER.items()), f"base_url={cfdi_config['base_url']!r}"]
        ),
        '"csd.cer"': repr(other["cer"]),
        '"csd.key"': repr(other["key"]),
        'keyPass="..."': f"keyPass={certs['password']!r}",
        "    cfdi.cancel_with_reason(": "    cancelled = cfdi.cancel_with_reason(",
    }
    for placeholder, value in filled.items():
        assert placeholder in code, placeholder
        code = code.replace(placeholder, value)
    (tmp_path / "factura.xml").write_text(cfdi40_xml(sello=seal(), receptor="XAXX010101000"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    scope: Dict[str, Any] = {"sello": sello}
    exec(compile(code, str(README), "exec"), scope)  # noqa: S102 - the README's own example
    assert scope["status"]["estatus_text"] == "Vigente"
    [entry] = scope["cancelled"]["cancelaciones"]
    assert (entry["uuid"], entry["status"]) == (scope["stamped"]["uuid"], "cancelled")
