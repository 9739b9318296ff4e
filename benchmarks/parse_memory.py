#!/usr/bin/env python3
"""Peak memory of reading a large answer (issue 12, item 14): for each shape, a fresh process makes
one call through the .so against a loopback server that answers with that body, and reports how
much its peak RSS (ru_maxrss) grew during the call, in MB and as a multiple of the answer's size.

    python3 benchmarks/parse_memory.py                 # 20 MB answers
    python3 benchmarks/parse_memory.py --mb 50         # another size
    SELLO_LIB=/path/libsello.so python3 benchmarks/parse_memory.py

The growth includes what the Python side does with the envelope (ctypes copy, json.loads); the
"baseline" row (a tiny answer) shows the fixed cost. Shapes: XML of tiny elements and JSON of tiny
values (hostile), and one big base64 text node / string (a stamp's pdfBase64: the legitimate case).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TESTS = HERE.parent / "Tests" / "python"

PROGRAM = """
import json, resource, sys
sys.path.insert(0, %(tests)r)
from hostile import Hostile, answer
from sello_ffi import Client
size = %(size)d
shape = %(shape)r
uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
if shape == "xml_tiny_elements":
    head = b"<servicioConsulta><consultaOk>true</consultaOk><uuid>" + uuid.encode() + b"</uuid>"
    body = head + b"<a/>" * (size // 4) + b"</servicioConsulta>"
elif shape == "xml_big_text":
    head = b"<servicioConsulta><consultaOk>true</consultaOk><uuid>" + uuid.encode() + b"</uuid><pdfBase64>"
    body = head + b"QUJD" * (size // 4) + b"</pdfBase64></servicioConsulta>"
elif shape == "json_tiny_values":
    body = b'{"code":200,"status":"success","message":[' + b"0," * (size // 2) + b'0]}'
elif shape == "json_big_string":
    body = b'{"code":200,"status":"success","message":{"file":"' + b"QUJD" * (size // 4) + b'"}}'
else:
    body = b"<servicioConsulta><consultaOk>true</consultaOk></servicioConsulta>"
xml = shape.startswith("xml") or shape == "baseline"
reply = answer(200, body, "application/xml" if xml else "application/json")   # built before measuring
with Hostile(lambda _r: reply) as server:
    if xml:
        config = {"usuario": "pade_user", "password": "pade_pass", "contrato": "C-1"}
        client = Client("cfdi", {"base_url": server.url, **config})
        operation, request = "get_by_uuid", {"uuid": uuid}
    else:
        client = Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"})
        operation, request = "reset_password", {"login": "a@b.cl"}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    envelope = client.call(operation, request)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client.close()
print(json.dumps({"shape": shape, "bytes": len(body), "growth_kb": after - before, "ok": envelope["ok"],
                  "code": envelope.get("error", {}).get("code")}))
"""

SHAPES = ["baseline", "xml_tiny_elements", "json_tiny_values", "xml_big_text", "json_big_string"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    size = args.mb * 1_000_000
    rows = []
    print(f"{'shape':20} {'answer MB':>10} {'RSS growth MB':>14} {'× answer':>9}  outcome")
    for shape in SHAPES:
        program = PROGRAM % {"tests": str(TESTS), "size": size, "shape": shape}
        result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            print(f"{shape:20} failed ({result.returncode}): {result.stderr[-400:]}")
            continue
        row = json.loads(result.stdout.strip().splitlines()[-1])
        growth_mb = row["growth_kb"] / 1024
        ratio = row["growth_kb"] * 1024 / row["bytes"]
        outcome = "ok" if row["ok"] else row["code"]
        print(f"{shape:20} {row['bytes'] / 1e6:>10.1f} {growth_mb:>14.1f} {ratio:>9.1f}  {outcome}")
        rows.append({**row, "growth_mb": round(growth_mb, 1), "ratio": round(ratio, 2)})
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
