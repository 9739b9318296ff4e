#!/usr/bin/env python3
"""Firma Virtual (Chile), the seed's process: log in -> contract types -> create a contract ->
upload PDFs -> list and sort them -> merge -> send to the signers -> detail.

    SELLO_SANDBOX_URL=http://127.0.0.1:PORT python3 examples/python/firma_virtual_flow.py [OUTPUT_DIR]
"""
from __future__ import annotations

import pathlib

from _common import fail, output_dir, sandbox_url

import sello


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


def main() -> None:
    base_url = sandbox_url()
    out = output_dir()
    uploaded = {"reported": False}

    def on_progress(done: int, total: int) -> None:
        if total > 0 and done == total and not uploaded["reported"]:
            uploaded["reported"] = True
            print(f"    uploaded {done} of {total} bytes")

    print(f"Firma Virtual client: base_url {base_url}, login userapp, password ********")
    try:
        with sello.FirmaVirtual(login="userapp", password="OnePass", base_url=base_url,
                                on_progress=on_progress) as fv:
            # 1. Log in: the token stays inside the client.
            login = fv.login()
            print(f"\n1. login: authorized {login['authorized']}, token expires {login['expires_at']}")

            # 2. Contract types of the real-estate group.
            types = fv.list_contract_types(QTYPE="TYPE", QVALUE="REAL_ESTATE")
            print(f"\n2. contract types REAL_ESTATE: {len(types)} fees, the first ones:")
            for fee in types.data[:3]:
                print(f"   fee {fee['iContractTypeFeeID']:<4} {fee['sContractTypeName']:<40} {fee['sModal']:<26} {fee['fAmount']} CLP")

            # 3. A contract: fee 28 (PROMESA DE COMPRAVENTA, notarial certification), one signer who pays.
            signer = {"full_name": "Jose Cortesia", "email": "jose@firmavirtual.com", "rutId": "11111111-1",
                      "phone": "873320311", "type": "NATURAL", "portion": 100, "payment": "0.00"}
            print("\n3. create contract: fee 28, 1 signer (Jose Cortesia, 11111111-1, pays 100%)")
            contract, signers = fv.create_contract(
                sOwnerType="NATURAL", sPaymentStatus="PENDING", iPaymentService=0, iContractTypeFeeID=28,
                iSignedCount=1, callback="https://ejemplo.cl/webhook", signers=[signer]).data
            contract_id = contract["sContractID"]
            first = signers[0]
            print(f"   contract {contract_id}, status {contract['sStatus']}, signer pays {first['payment']}"
                  f" + IVA {first['iva']} = {first['total']} CLP")

            # 4. Two PDFs, streamed from disk.
            print("\n4. upload documents:")
            for name, line in (("contrato", "Promesa de compraventa"), ("anexo", "Anexo: inventario")):
                pdf = small_pdf(out / f"{name}.pdf", line)
                print(f"   {pdf}")
                uploaded["reported"] = False
                fv.upload_document(contractID=contract_id, file_path=pdf)

            # 5. List them, then put the annex first.
            files = fv.list_files(ContractID=contract_id).data
            print("\n5. files (as uploaded):")
            for item in files:
                print(f"   {item['document']}  orden {item['orden']}")
            sorted_files = fv.sort_files(contractID=contract_id, file_order=[
                {"document": files[1]["document"], "ind": 0, "action": "CHANGE"},
                {"document": files[0]["document"], "ind": 1, "action": "CHANGE"}]).data
            print("   sorted:")
            for item in sorted_files:
                print(f"   {item['document']}  orden {item['orden']}")

            # 6. Merge, 7. send the draft to the signers.
            fv.merge_files(ContractID=contract_id)
            print("\n6. merged into one PDF")
            sent = fv.send_contract(IDContract=contract_id)
            details = ", ".join(f"{d['email']}: {d['status_mail']}" for d in sent["info_detail"])
            print(f"\n7. sent: {sent['ok_count']} mails sent, {sent['fail_count']} failed ({details})")

            # 8. The detail.
            detail = fv.get_contract_detail(ContractID=contract_id)
            head = detail["contrato"][0]
            print(f"\n8. detail: {head['sTipoContrato']}, {head['sTipoFirma']}, status {head['sStatus']}, Monto {head['Monto']} CLP")
            for person in detail["firmantes"]:
                print(f"   signer {person['full_name']} ({person['RUT']}) pays {person['totalPay']} CLP")
            for item in detail["archivos"]:
                print(f"   file {item['file_name']}")
    except sello.SelloError as error:
        fail(f"{error.meta.get('service')}.{error.meta.get('operation')}", error)


if __name__ == "__main__":
    main()
