#!/usr/bin/env python3
"""Time of one Firma Virtual call whose answer is large (a busy owner's contract list), against
the length of the bearer token: until 2026-12-08 every string of a success answer was searched
for every secret of the call, the token among them, with Swift's generic `String.contains`, so
the time grew with strings x token length (6 s for 2,000 contracts and a 3 KB token, past a
timeout_ms of 3,000). Run by hand, against a loopback stand-in:

    python3 benchmarks/fv_large_answer.py
    SELLO_LIB=/path/libsello.so python3 benchmarks/fv_large_answer.py
"""

from __future__ import annotations

import base64
import json
import pathlib
import sys
import time
import uuid

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "Tests" / "python"), str(HERE.parent / "Tests" / "support")]

from hostile import Hostile, answer  # noqa: E402
from sello_ffi import Client  # noqa: E402
from sello_fixtures import FV_CONTRACT_RECORD  # noqa: E402


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(padding: int) -> str:
    claims = {"sub": "1", "login": "userapp", "iat": 1796696885, "exp": 4796700485, "perm": "x" * padding}
    return ".".join([b64url(b'{"typ":"JWT","alg":"HS256"}'), b64url(json.dumps(claims).encode()), b64url(b"s" * 32)])


def main() -> None:
    print(f"{'contracts':>9} {'answer KB':>9} {'token':>6} {'ms':>8}  outcome")
    for contracts, padding in [(1000, 0), (4000, 0), (1000, 2400), (2000, 2400)]:
        listing = [dict(FV_CONTRACT_RECORD, sContractID=str(uuid.uuid4())) for _ in range(contracts)]
        body = json.dumps({"code": 200, "status": "success", "message": listing}).encode()
        bearer = token(padding)
        login = json.dumps({"code": 200, "status": "success", "message": {"Authorization": "Bearer " + bearer}})
        replies = {True: answer(200, login.encode()), False: answer(200, body)}
        with Hostile(lambda request, replies=replies: replies["logindata" in request.target]) as server:
            config = {"base_url": server.url, "login": "userapp", "password": "OnePass", "timeout_ms": 3000}
            with Client("fv", config) as client:
                client.call("login", {})
                start = time.perf_counter()
                envelope = client.call("list_owner_contracts", {"IDOwner": 1})
                elapsed = (time.perf_counter() - start) * 1000
        outcome = "ok" if envelope["ok"] else envelope["error"]["code"]
        print(f"{contracts:>9} {len(body) // 1024:>9} {len(bearer):>6} {elapsed:>8.1f}  {outcome}")


if __name__ == "__main__":
    main()
