#!/usr/bin/env python3
"""Sends a 50 MB PDF to the sandbox's Firma Virtual through libsello.so (in a child process),
twice: with fv_upload_document (multipart) and with fv_create_contract_express (the PDF as base64
inside the JSON body, encoded while it is sent), each beside the curl command line, and prints a
table per operation: time, and the child's peak RSS growth during the call (VmHWM before and after).

Goals: growth < 32 MB for both (the file is streamed from disk, never read whole; express never
builds the 67 MB base64 string); upload time <= 1.2 x curl -F. Express is timed beside curl
sending the same JSON body prepared on disk (curl -T): the difference is the base64 encoding.

    python3 benchmarks/fv_upload.py [--size-mb 50] [--runs 3] [--only upload|express]
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import hashlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIB = os.environ.get("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))
CONTRACT = "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"  # the sandbox's seeded contract (seed 001's example)
LOGIN, PASSWORD = "userapp", "OnePass"


def vm_hwm_kb() -> int:
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


EXPRESS = "/api/v1/contract/create-contract-express"
SIGNER = {
    "full_name": "Jose Cortesia",
    "email": "jose@firmavirtual.com",
    "rutId": "11111111-1",
    "phone": "+56912345678",
    "rol": 0,
    "order": 1,
    "type": "NATURAL",
    "portion": "100",
    "payment": "0.00",
}
EXPRESS_FIELDS = {
    "sOwnerType": "NATURAL",
    "iContractTypeFeeID": 49,
    "iSignedCount": 1,
    "signers": [SIGNER],
    "sContractName": "Benchmark 50 MB",
}


def child(mode: str, base_url: str, path: str) -> None:
    """Runs in a fresh process: load the library, log in, then measure one upload or express call."""
    lib = ctypes.CDLL(LIB)
    lib.sello_free.argtypes = [ctypes.c_void_p]
    lib.fv_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fv_client_new.restype = ctypes.c_void_p
    for name in ("fv_login", "fv_upload_document", "fv_create_contract_express"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        getattr(lib, name).restype = ctypes.c_void_p
    progress_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
    lib.fv_client_set_progress.argtypes = [ctypes.c_void_p, progress_fn, ctypes.c_void_p]

    def call(name: str, request: dict) -> dict:
        pointer = getattr(lib, name)(client, json.dumps(request).encode())
        try:
            return json.loads(ctypes.string_at(pointer))
        finally:
            lib.sello_free(pointer)

    error = ctypes.c_void_p()
    client = lib.fv_client_new(
        json.dumps({"base_url": base_url, "login": LOGIN, "password": PASSWORD}).encode(), ctypes.byref(error)
    )
    assert client, ctypes.string_at(error.value)
    last = [0, 0, 0]

    def on_progress(_user_data, done, total):
        last[0], last[1], last[2] = done, total, last[2] + 1

    callback = progress_fn(on_progress)
    lib.fv_client_set_progress(client, callback, None)
    assert call("fv_login", {})["ok"]
    before = vm_hwm_kb()
    started = time.perf_counter()
    if mode == "express":
        envelope = call("fv_create_contract_express", {**EXPRESS_FIELDS, "file_path": path})
    else:
        envelope = call("fv_upload_document", {"contractID": CONTRACT, "file_path": path})
    elapsed = time.perf_counter() - started
    after = vm_hwm_kb()
    print(
        json.dumps(
            {
                "ok": envelope["ok"],
                "envelope": envelope if not envelope["ok"] else None,
                "seconds": elapsed,
                "hwm_before_kb": before,
                "hwm_after_kb": after,
                "progress_calls": last[2],
                "progress_last": last[:2],
            }
        )
    )


def run_child(mode: str, base_url: str, path: pathlib.Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, base_url, str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    assert result["ok"], result["envelope"]
    return result


def run_curl(base_url: str, path: pathlib.Path) -> dict:
    request = urllib.request.Request(
        base_url + "/logindata",
        data=json.dumps({"login": LOGIN, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(urllib.request.urlopen(request, timeout=30).read())["message"]["Authorization"]
    started = time.perf_counter()
    output = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{time_total}",
            "-H",
            "Expect:",
            "-H",
            f"Authorization: {token}",
            "-F",
            f"file=@{path};filename={CONTRACT}.pdf;type=application/pdf",
            base_url + "/api/v1/upfile",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    status, seconds = output.stdout.split()
    assert status == "200", output
    return {"seconds": float(seconds), "wall": wall}


def make_pdf(path: pathlib.Path, size: int) -> None:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        out.write(head)
        remaining = size - len(head) - len(tail)
        while remaining > 0:
            piece = block[: min(len(block), remaining)]
            out.write(piece)
            remaining -= len(piece)
        out.write(tail)


def login_token(base_url: str) -> str:
    request = urllib.request.Request(
        base_url + "/logindata",
        data=json.dumps({"login": LOGIN, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=30).read())["message"]["Authorization"]


def run_curl_express(base_url: str, body: pathlib.Path) -> dict:
    """curl streaming the same JSON body, prepared on disk (-T reads it as it sends)."""
    token = login_token(base_url)
    started = time.perf_counter()
    output = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{time_total}",
            "-X",
            "POST",
            "-T",
            str(body),
            "-H",
            "Expect:",
            "-H",
            "Content-Type: application/json",
            "-H",
            f"Authorization: {token}",
            base_url + EXPRESS,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    status, seconds = output.stdout.split()
    assert status == "201", output
    return {"seconds": float(seconds), "wall": wall}


def express_body_file(pdf: pathlib.Path, out: pathlib.Path) -> None:
    """The body fv_create_contract_express sends, written to disk in pieces (for curl)."""
    prefix = json.dumps(EXPRESS_FIELDS, separators=(",", ":"))[:-1] + ',"document":{"content_file":"'
    with pdf.open("rb") as source, out.open("wb") as target:
        target.write(prefix.encode())
        while piece := source.read(3 * 1024 * 1024):
            target.write(base64.b64encode(piece))
        target.write(b'"}}')


def table(title: str, mb: float, rows: list[tuple[str, float, str]]) -> None:
    print(title)
    print(f"{'client':<34}{'time s':>9}{'MB/s':>9}{'peak RSS growth MB':>21}")
    for name, seconds, growth in rows:
        print(f"{name:<34}{seconds:>9.3f}{mb / seconds:>9.1f}{growth:>21}")


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("upload", "express"))
    args = parser.parse_args()
    if shutil.which("curl") is None:
        print("the curl command line tool is needed (apt-get install -y curl)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "sandbox"))
    from control import Sandbox  # noqa: E402

    size = args.size_mb * 1024 * 1024
    mb = size / (1 << 20)
    figures: dict[str, float] = {}
    met = True
    with tempfile.TemporaryDirectory(prefix="sello-bench-") as folder, Sandbox.start() as sandbox:
        path = pathlib.Path(folder) / "big.pdf"
        make_pdf(path, size)
        if args.only != "express":
            sello_runs, curl_runs = [], []

            def check_received() -> None:
                [upload] = [r for r in sandbox.requests() if r["path"] == "/api/v1/upfile"]
                [part] = upload["multipart"]
                assert (part["name"], part["filename"], part["size"]) == ("file", f"{CONTRACT}.pdf", size), part

            for _ in range(args.runs):  # alternate, so that both see the same machine load
                sandbox.reset()
                sello_runs.append(run_child("upload", sandbox.fv_url, path))
                check_received()
                sandbox.reset()
                curl_runs.append(run_curl(sandbox.fv_url, path))
                check_received()
            sello_time = statistics.median(r["seconds"] for r in sello_runs)
            curl_time = statistics.median(r["seconds"] for r in curl_runs)
            growth_mb = max((r["hwm_after_kb"] - r["hwm_before_kb"]) / 1024 for r in sello_runs)
            table(
                f"upload of a {mb:.0f} MB PDF to the sandbox's /api/v1/upfile, median of {args.runs} runs",
                mb,
                [("fv_upload_document (.so)", sello_time, f"{growth_mb:.1f}"), ("curl -F (CLI)", curl_time, "-")],
            )
            ratio = sello_time / curl_time
            print(
                f"time ratio .so / curl: {ratio:.2f} (goal <= 1.2); RSS growth {growth_mb:.1f} MB (goal < 32); "
                f"progress callbacks: {sello_runs[-1]['progress_calls']}, last {sello_runs[-1]['progress_last']}"
            )
            figures.update(
                peak_rss_growth_mb=round(growth_mb, 1),
                sello_seconds=round(sello_time, 3),
                curl_seconds=round(curl_time, 3),
            )
            met = met and growth_mb < 32 and ratio <= 1.2
        if args.only != "upload":
            body = pathlib.Path(folder) / "express.json"
            express_body_file(path, body)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            sello_runs, curl_runs = [], []

            def check_express() -> None:
                [sent] = [r for r in sandbox.requests() if r["path"] == EXPRESS]
                assert (sent["status"], sent["body_size"]) == (201, body.stat().st_size), sent
                decoded = sent["spilled"][0]["base64_decoded"]
                assert (decoded["size"], decoded["sha256"]) == (size, digest), decoded

            for _ in range(args.runs):
                sandbox.reset()
                sello_runs.append(run_child("express", sandbox.fv_url, path))
                check_express()
                sandbox.reset()
                curl_runs.append(run_curl_express(sandbox.fv_url, body))
                check_express()
            sello_time = statistics.median(r["seconds"] for r in sello_runs)
            curl_time = statistics.median(r["seconds"] for r in curl_runs)
            growth_mb = max((r["hwm_after_kb"] - r["hwm_before_kb"]) / 1024 for r in sello_runs)
            print()
            table(
                f"create-contract-express with a {mb:.0f} MB PDF ({body.stat().st_size / (1 << 20):.0f} MB JSON body), "
                f"median of {args.runs} runs",
                mb,
                [
                    ("fv_create_contract_express (.so)", sello_time, f"{growth_mb:.1f}"),
                    ("curl -T (body prepared on disk)", curl_time, "-"),
                ],
            )
            print(
                f"express: time ratio .so / curl {sello_time / curl_time:.2f} (the .so base64-encodes while sending); "
                f"RSS growth {growth_mb:.1f} MB (goal < 32); progress callbacks: {sello_runs[-1]['progress_calls']}, "
                f"last {sello_runs[-1]['progress_last']}"
            )
            figures.update(
                express_peak_rss_growth_mb=round(growth_mb, 1),
                express_seconds=round(sello_time, 3),
                express_curl_seconds=round(curl_time, 3),
            )
            met = met and growth_mb < 32
    if os.environ.get("SELLO_BENCH_JSON"):
        print(json.dumps(figures))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
