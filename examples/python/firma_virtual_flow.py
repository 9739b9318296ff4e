#!/usr/bin/env python3
"""Firma Virtual (Chile) as integrations use it today: log in -> one call creates a contract with
its PDF (create-contract-express) -> the service POSTs each status change to the contract's
callback URL: a small webhook on 127.0.0.1 receives it and confirms it with the service
(confirm_callback) -> detail.

    SELLO_SANDBOX_URL=http://127.0.0.1:PORT python3 examples/python/firma_virtual_flow.py [OUTPUT_DIR]

The sandbox stands in for the signers: /_sandbox/fv/advance changes the contract's status as
their signing and paying would, and the sandbox then calls the webhook back.
"""

from __future__ import annotations

import http.server
import json
import pathlib
import threading
import urllib.request
from typing import Any, List

import sello
from _common import fail, output_dir, sandbox_url


def small_pdf(path: pathlib.Path, line: str) -> pathlib.Path:
    """A valid one-page PDF with one line of text (cross-reference offsets computed)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def start_webhook(fv: sello.FirmaVirtual, seen: List[str]) -> http.server.ThreadingHTTPServer:
    """The webhook: every POST is a callback; it is confirmed with the service before anything is
    done with it (a callback is not authenticated), and answered at once."""

    class Webhook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                said = sello.fv_parse_callback(body)["sStatus"]
                confirmed = fv.confirm_callback(body)
            except sello.ValidationError:
                self.send_response(400)  # not a Firma Virtual callback
            except sello.SelloError:
                self.send_response(503)  # the service could not confirm it now
            else:
                paid = "paid" if confirmed["paid"] else "not paid yet"
                seen.append(
                    f"   webhook: the callback says {said}; the service confirms {confirmed['status']}"
                    f" ({paid}, agrees: {confirmed['agrees']})"
                )
                if confirmed["status"] == "FINISHED":
                    seen.append(f"   webhook: contract {confirmed['sContractID']} is finished: archive it")
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sandbox_signers(base_url: str, contract_id: str, status: str, **fields: Any) -> None:
    """The sandbox's stand-in for the signers (not part of the service's API)."""
    body = json.dumps({"contract": contract_id, "status": status, **fields}).encode()
    request = urllib.request.Request(
        f"{base_url}/_sandbox/fv/advance", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        json.load(answer)


def main() -> None:
    base_url = sandbox_url()
    out = output_dir()
    seen: List[str] = []

    def on_progress(done: int, total: int) -> None:
        line = f"    sent {done} of {total} bytes"
        if total > 0 and done == total and line not in seen:  # libcurl may report the end twice
            seen.append(line)

    # Against the real service: environment="sandbox" (test.firmavirtual.legal) instead of base_url.
    print(f"Firma Virtual client: base_url {base_url}, login userapp, password ********")
    try:
        with sello.FirmaVirtual(login="userapp", password="OnePass", base_url=base_url, on_progress=on_progress) as fv:
            # 1. Log in: the token stays inside the client.
            login = fv.login()
            print(f"\n1. login: authorized {login['authorized']}, token expires {login['expires_at']}")

            # 2. The webhook, on 127.0.0.1 (a public https:// URL in production).
            webhook = start_webhook(fv, seen)
            callback = f"http://127.0.0.1:{webhook.server_address[1]}/webhooks/firma-virtual"
            print(f"\n2. webhook listening at {callback}")

            # 3. One call: the contract, its signer and its PDF (streamed from disk as base64).
            pdf = small_pdf(out / "contrato.pdf", "Contrato de arriendo")
            signer = {
                "full_name": "Jose Cortesia",
                "email": "jose@firmavirtual.com",
                "rutId": "11.111.111-1",
                "phone": "9 1234 5678",
                "rol": 0,
                "order": 1,
                "portion": "100",
            }
            print(f"\n3. create-contract-express: fee 1, signer Jose Cortesia (pays 100%), PDF {pdf}")
            created = fv.create_contract_express(
                sOwnerType="NATURAL",
                iContractTypeFeeID=1,
                signers=[signer],
                file_path=pdf,
                sContractName="Arriendo depto 12 - ref 0042",
                callback=callback,
            )
            print("\n".join(seen))
            seen.clear()
            contract_id = created["sContractID"]
            if contract_id is None:  # the answer lost it: the contract exists, the warning says where to look
                raise SystemExit(f"no contract id in the answer: {created.warnings[0]['message']}")
            print(f"   contract {contract_id}, status {created['sStatus']}, name '{created['sContractName']}'")

            # 4. The signers sign, then pay: each change comes back through the webhook.
            for status, fields in (("SIGNED_PENDING", {}), ("FINISHED", {"sPaymentStatus": "PAIDOUT"})):
                print(f"\n4. (sandbox) the contract moves to {status}")
                sandbox_signers(base_url, contract_id, status, **fields)
                print("\n".join(seen))
                seen.clear()

            # 5. A forged callback (anyone can POST to the webhook) does not fool confirm_callback.
            forged = {"contract": [{"sContractID": contract_id, "sStatus": "REJECTED"}], "signers": []}
            confirmed = fv.confirm_callback(forged)
            print(
                f"\n5. a forged callback says REJECTED; the service says {confirmed['status']}"
                f" (agrees: {confirmed['agrees']}; warning {confirmed.warning_codes()})"
            )
            webhook.shutdown()
            webhook.server_close()

            # 6. The detail.
            detail = fv.get_contract_detail(ContractID=contract_id)
            head = detail["contrato"][0]
            print(
                f"\n6. detail: {head['sTipoContrato']}, {head['sTipoFirma']}, status {head['sStatus']},"
                f" Monto {head['Monto']} CLP, paid {head['paid']}"
            )
            for person in detail["firmantes"]:
                print(
                    f"   signer {person['full_name']} ({person['RUT']})"
                    f" pays {person['totalPay']} CLP ({person['payment']})"
                )
            for item in detail["archivos"]:
                print(f"   file {item['file_name']}")
    except sello.SelloError as error:
        fail(f"{error.meta.get('service')}.{error.meta.get('operation')}", error)


if __name__ == "__main__":
    main()
