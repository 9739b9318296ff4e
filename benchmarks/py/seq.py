#!/usr/bin/env python3
"""Sequential FES calls from Python, one process per contender, printing one JSON line like the
C loops: {"calls", "seconds", "rate", "threads", "failures"}.

  seq.py ctypes   BASE_URL --lib libsello.so   sello through ctypes straight on the .so
  seq.py ctypes-json BASE_URL --lib libsello.so  the same, each call after a json.dumps of the
                                               request whose result is thrown away (row 1i)
  seq.py binding  BASE_URL --binding DIR       sello through bindings/python (when it exists)
  seq.py requests URL                          requests.Session, the same request by hand
options: --seconds S (2) | --calls N, --warmup W (200)

BASE_URL is the client's base_url; URL is BASE_URL/obtenerCertificado. Every contender ends a
call with the answer's bytes in hand (no JSON decoding on either side).
"""

import argparse
import ctypes
import json
import pathlib
import sys
import time

REQUEST = {
    "rut": "76.369.187-K",
    "correo": "ana@empresa.cl",
    "numeroDocumento": "100123456",
    "claveCertificado": "Secreta123",
    "duracion": 1,
    "nombreEmpresa": "Empresa SpA",
    "comuna": "Viña del Mar",
    "direccion": "Av. Libertad 1",
    "giroEmpresa": "Servicios",
}
USUARIO, CLAVE = "bench", "BenchClave9"
CONFIG = {"usuario": USUARIO, "clave": CLAVE, "retries": {"max": 0}}


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def ctypes_call(base, lib_path):
    lib = ctypes.CDLL(lib_path)
    lib.fes_client_new.restype = ctypes.c_void_p
    lib.fes_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fes_obtain_certificate.restype = ctypes.c_void_p
    lib.fes_obtain_certificate.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.sello_free.restype = None
    lib.sello_free.argtypes = [ctypes.c_void_p]
    client = lib.fes_client_new(compact(dict(CONFIG, base_url=base)), None)
    if not client:
        sys.exit("fes_client_new failed")
    request = compact(REQUEST)
    obtain, free, string_at = lib.fes_obtain_certificate, lib.sello_free, ctypes.string_at

    def call():
        result = obtain(client, request)
        try:
            return string_at(result).startswith(b'{"ok":true')
        finally:
            free(result)

    return call


def json_work():
    """What a binding does in Python before each call, on its own: encoding the request."""
    return json.dumps(REQUEST, ensure_ascii=False, separators=(",", ":"))


def ctypes_after_json_call(base, lib_path):
    """ctypes_call after json_work, whose result is not used: the call then finds the caches
    holding what json touched instead of what the library needs (row 1i)."""
    call = ctypes_call(base, lib_path)

    def after_json():
        json_work()
        return call()

    return after_json


def binding_call(base, directory):
    """bindings/python as its users call it: sello.FES(**config).obtain_certificate(**request),
    which also decodes the envelope into a Result (SELLO_LIB names the library)."""
    sys.path.insert(0, directory)
    import sello  # noqa: E402  (the binding under test)

    cls = next((getattr(sello, name) for name in ("FES", "FESClient", "FesClient") if hasattr(sello, name)), None)
    if cls is None:
        sys.exit("bindings/python: no FES client class in module sello")
    config = dict(CONFIG, base_url=base)
    try:
        client = cls(**config)
    except TypeError:
        client = cls(config)
    method = client.obtain_certificate
    try:
        method(**REQUEST)
        keywords = True
    except TypeError:
        keywords = False

    def call():
        result = method(**REQUEST) if keywords else method(REQUEST)
        return result is not None

    return call


def library_version():
    """SELLO_VERSION_* of include/sello.h: the User-Agent the library sends is sello/<version>."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
    import sello_header  # noqa: E402

    return sello_header.read().version


def requests_call(url):
    import requests

    session = requests.Session()
    # The headers sello sends, and no others (requests would add Accept-Encoding).
    session.headers = {
        "User-Agent": f"sello/{library_version()}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    body = compact(
        {"request": {"encabezado": {"usuario": USUARIO, "clave": CLAVE}, "parametro": dict(REQUEST, rut="76369187-K")}}
    )

    def call():
        response = session.post(url, data=body)
        return response.status_code == 200 and len(response.content) > 0

    return call


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["ctypes", "ctypes-json", "binding", "requests"])
    parser.add_argument("url")
    parser.add_argument("--lib")
    parser.add_argument("--binding")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--calls", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    extra = {}
    if args.mode == "ctypes":
        call = ctypes_call(args.url, args.lib)
    elif args.mode == "ctypes-json":
        call = ctypes_after_json_call(args.url, args.lib)
        rounds = 20000
        clock = time.perf_counter
        start = clock()
        for _ in range(rounds):
            json_work()
        extra["work_us"] = (clock() - start) / rounds * 1e6  # json_work alone, caches warm
    elif args.mode == "binding":
        call = binding_call(args.url, args.binding)
    else:
        call = requests_call(args.url)

    failures = 0
    for _ in range(args.warmup):
        failures += not call()
    clock = time.perf_counter
    done = 0
    start = now = clock()
    if args.calls:
        for _ in range(args.calls):
            failures += not call()
        done = args.calls
        now = clock()
    else:
        deadline = start + args.seconds
        while now < deadline:
            failures += not call()
            done += 1
            now = clock()
    elapsed = now - start
    result = {"calls": done, "seconds": elapsed, "rate": done / elapsed, "threads": 1, "failures": failures}
    print(json.dumps({**result, **extra}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
