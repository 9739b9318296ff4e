"""cfdi_process_files' memory follows its concurrency, not its length (issue 18): a day's XML in one
call (up to 10,000 items) must not hold every item's file and body at once. It did: 400 items of a
985 KB xml_path at concurrency 8 grew the process by 403 MB (the eighteenth session's audit), enough
for a PHP-FPM or queue worker to be killed mid-batch, losing what was stamped with the envelope.

Through the .so, in a child process (its high-water mark is its own), against a loopback stand-in
run by this process: the stand-in's buffers are not the client's."""

from __future__ import annotations

import pathlib

from hostile import Hostile, answer, run_child

SUPPORT = pathlib.Path(__file__).resolve().parents[1] / "support"

ITEMS = 200
CONCURRENCY = 4
#: What the batch may add to the process: `concurrency` items in flight (file, parsed check, body:
#: a few MB each), libcurl's buffers, and the results. Holding every item costs ITEMS MB and more.
LIMIT_MB = 64

# Every item answered at once with a service error: small answers, so that the results weigh
# nothing and only the requests are measured.
REFUSAL = (
    b'<?xml version="1.0" encoding="UTF-8"?><servicioTimbrado><timbradoOk>false</timbradoOk>'
    b"<codigo>3</codigo><mensaje>stand-in</mensaje></servicioTimbrado>"
)

CHILD = """
import json, sys
sys.path.insert(0, %(support)r)
from sello_ffi import Client
from sello_fixtures import cfdi40_xml

CONCEPTO = ('<cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" '
            'ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="02"><cfdi:Impuestos><cfdi:Traslados>'
            '<cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" '
            'Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos></cfdi:Concepto>')

def high_water_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

xml = cfdi40_xml(sello="AAAA").replace("<cfdi:Conceptos>", "<cfdi:Conceptos>" + CONCEPTO * 3000)
with open(%(path)r, "w") as out:
    out.write(xml)
# One file, each item another contrato: distinct requests (a repeat would be refused unsent).
items = [{"xml_path": %(path)r, "contrato": "C-%%d" %% n} for n in range(%(items)d)]
config = {"base_url": %(url)r, "usuario": "pade_user", "password": "pade_pass", "contrato": "C-1"}
with Client("cfdi", config) as client:
    single = client.call("stamp_xml", {"xml_path": %(path)r})  # one item's cost, in the baseline
    before = high_water_kb()
    envelope = client.call(
        "process_files", {"operation": "stamp_xml", "items": items, "concurrency": %(concurrency)d})
    after = high_water_kb()
results = envelope["data"]["results"]
print(json.dumps({
    "growth_kb": after - before, "size": len(xml), "single": single.get("error", {}).get("code"),
    "codes": sorted({r.get("error", {}).get("code") for r in results}),
    "attempts": [r["meta"]["attempts"] for r in results],
}))
"""


def test_a_batch_of_large_xml_files_holds_only_what_is_in_flight(tmp_path) -> None:
    def refuse(request):
        request.body = b""  # what reached the stand-in is not kept: only its count matters here
        return answer(200, REFUSAL, "application/xml")

    with Hostile(refuse) as server:
        program = CHILD % {
            "support": str(SUPPORT),
            "path": str(tmp_path / "day.xml"),
            "items": ITEMS,
            "concurrency": CONCURRENCY,
            "url": server.url,
        }
        status, result, stderr = run_child(program, timeout=600)
        sent = len(server.received)
    assert status == 0 and result is not None, stderr
    assert result["size"] > 900_000 and result["single"] == "PARAMETRO_INVALIDO", result
    assert result["codes"] == ["PARAMETRO_INVALIDO"] and result["attempts"] == [1] * ITEMS, result
    assert sent == ITEMS + 1
    growth_mb = result["growth_kb"] / 1024
    assert growth_mb < LIMIT_MB, (
        f"{ITEMS} items of {result['size'] // 1024} KB at concurrency {CONCURRENCY} grew the process "
        f"by {growth_mb:.0f} MB"
    )
