#!/usr/bin/env python3
"""Writes the seed corpus of the libFuzzer targets into fuzz/corpus/<target>/ (kept in the
repository; run again after changing the seeds). Standard library and the openssl CLI only.

fuzz_requests seeds are two selector bytes (the function's fixed selector: scripts/sello_header.py
fuzz_selector, from its name) followed by a request; fuzz_fes_answer seeds are one status-selector byte
followed by an answer body.

    python3 fuzz/make_corpus.py                  # every target
    python3 fuzz/make_corpus.py fuzz_requests    # only these targets

Every operation of include/sello.h gets two seeds made from its binding block in docs/reference.md
(scripts/operation_model.py): its required fields, then every field, each with a value of its type;
REQUESTS may add more. The other functions fuzz_requests calls (local helpers, *_client_new and
*_client_cancel) need seeds in REQUESTS: this script refuses to run without them, and Tests/header
checks it."""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
from typing import Dict, List, Sequence, Tuple

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
sys.path.insert(0, str(HERE.parent / "scripts"))
import operation_model  # noqa: E402
import sello_header  # noqa: E402


def selector(name: str) -> bytes:
    """The two bytes that make fuzz_requests call `name`, whatever functions are added later."""
    return sello_header.fuzz_selector(name).to_bytes(2, "big")


FES = {
    "rut": "19.371.037-9",
    "correo": "eleon@certificadoradelsur.cl",
    "numeroDocumento": "100.123.456",
    "claveCertificado": "Secreta123",
    "duracion": 3,
    "nombreEmpresa": "CDS",
    "comuna": "LOS ANGELES",
    "direccion": "Lautaro 867",
    "giroEmpresa": "Otros",
}
SIGNER = {
    "full_name": "Jose Cortesia",
    "email": "jose@firmavirtual.com",
    "rutId": "11111111-1",
    "phone": "873320311",
    "type": "NATURAL",
    "portion": "100",
    "payment": "0.00",
}
CONTRACT = {
    "sOwnerType": "NATURAL",
    "sPaymentStatus": "PENDING",
    "iPaymentService": 1,
    "iContractTypeFeeID": 28,
    "iSignedCount": 1,
    "callback": "https://ejemplo.com/webhook",
    "signers": [SIGNER],
}
UUID = "6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B"
CSV = (
    "CFDI|3.3|A|1|2026-01-01T10:00:00|\nEMISOR|EKU9003173C9|ESCUELA KEMPER URGATE|601\n"
    "RECEPTOR|XAXX010101000|PUBLICO EN GENERAL|G03\nTOTAL|1160.00\n"
)
CSD = {"certBase64": "TUlJRA==", "keyBase64": "TUlJRQ==", "keyPass": "12345678a"}
UUID2 = "0E4A4B8C-1D2E-4F60-8A7B-9C0D1E2F3A4B"
CFDI40 = (
    '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Fecha="2026-01-01T10:00:00" '
    'Sello="c2VsbG8=" Total="1160.00"><cfdi:Emisor Rfc="EKU9003173C9"/><cfdi:Receptor Rfc="XAXX010101000"/>'
    "</cfdi:Comprobante>"
)
CLOSED = "http://127.0.0.1:1"
CALLBACK = {
    "body": {
        "contract": [
            {
                "sContractID": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a",
                "sStatus": "SIGNED_PENDING",
                "sContractName": "Arriendo",
                "signers": [{"rutId": "11111111-1", "status": "SIGNED"}],
            }
        ]
    }
}

REQUESTS: Dict[str, List[object]] = {
    "sello_check_rut": [{"rut": "12.345.678-5"}, {"rut": "96874030k"}, {"rut": 12345678}, {"rut": "1-9"}],
    "sello_find_comuna": [{"comuna": "los angeles"}, {"comuna": "Ñuñoa"}, {"comuna": "con con"}, {"comuna": "Gotham"}],
    "sello_check_rfc": [
        {"rfc": "AAA010101AAA"},
        {"rfc": "GODE561231GR8"},
        {"rfc": "XAXX010101000"},
        {"rfc": "ÑAB&991231AB1"},
    ],
    "fes_check_request": [
        FES,
        {**FES, "save_to": "/tmp/x.p12"},
        {**FES, "rut": "19.371.037-1", "duracion": 9},
        {**FES, "comuna": "Llay-Llay", "numeroDocumento": "A012345678"},
    ],
    "cfdi_inspect_csd": [
        CSD,
        {"cert_path": "/nonexistent.cer"},
        {"certBase64": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
    ],
    "fes_obtain_certificate": [FES, {**FES, "claveCertificado": "Ab1"}],
    "fv_login": [{}],
    "fv_get_user": [{"IDUser": 1}, {"IDUser": "1"}],
    "fv_create_user": [
        {
            "iProfileID": 0,
            "sRUT": "11111111-1",
            "sFirstName": "Jose",
            "sLastName": "Cortesia",
            "sEmail": "contacto@josecortesia.cl",
            "sPhone": "+56978570242",
            "sLogin": "cortesia",
            "sPassword": "Clave123",
            "sComments": "NA",
            "sUserType": "NATURAL",
        }
    ],
    "fv_update_user": [{"IDUser": 2, "sFirstName": "oriana", "sLastName": "aas", "sPhone": "+56911111111"}],
    "fv_reset_password": [{"login": "userapp@firmavirtual.legal"}],
    "fv_new_password": [{"login": "userapp@firmavirtual.legal", "password": "12345678", "new_password": "Nueva123"}],
    "fv_get_contract": [{"IDContract": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"}],
    "fv_create_contract": [CONTRACT, {**CONTRACT, "signers": [SIGNER, {**SIGNER, "rutId": "2-7", "portion": 0}]}],
    "fv_list_contract_types": [
        {"QTYPE": "ALL", "QVALUE": 0},
        {"QTYPE": "TYPE", "QVALUE": "REAL_ESTATE"},
        {"QTYPE": "ID", "QVALUE": 26},
    ],
    "fv_list_owner_contracts": [{"IDOwner": 1}],
    "fv_get_contract_detail": [{"ContractID": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"}],
    "fv_delete_contract": [{"IDContract": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"}],
    "fv_upload_document": [
        {"contractID": "abc", "content_base64": base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()},
        {"contractID": "abc", "file_path": "/nonexistent.pdf"},
    ],
    "fv_list_files": [{"ContractID": "abc"}],
    "fv_sort_files": [
        {
            "contractID": "abc",
            "file_order": [
                {"document": "abc_1.pdf", "ind": 1, "action": "CHANGE"},
                {"document": "abc_2.pdf", "ind": 0, "action": "REMOVE"},
            ],
        }
    ],
    "fv_merge_files": [{"ContractID": "abc"}],
    "fv_send_contract": [{"IDContract": "abc"}],
    "fv_create_signer": [
        {
            "contractID": "abc",
            "full_name": "Ana Rojas",
            "email": "ana@example.com",
            "rutId": "11111111-1",
            "phone": "+56911111111",
        }
    ],
    "fv_update_signer": [
        {
            "contractID": "abc",
            "full_name": "Ana Rojas",
            "email": "ana@example.com",
            "rutId": "11111111-1",
            "phone": "+56911111111",
        }
    ],
    "fv_delete_signer": [{"contractID": "abc", "rutId": "11111111-1"}],
    "cfdi_process_file": [
        {"datos": CSV, "prueba": True},
        {"datos_base64": base64.b64encode(CSV.encode()).decode(), "opciones": ["CALCULAR_SELLO", "GENERAR_PDF"]},
        {"datos": CSV, "opciones": ["CALCULAR_SELLO"], "opciones_base64": True, "contrato": "C-2", "include_xml": True},
    ],
    "cfdi_process_file_with_csd": [{"datos": CSV, "prueba": False, **CSD}],
    "cfdi_cancel": [
        {
            "rfcEmisor": "EKU9003173C9",
            "uuids": [
                f"{UUID}|XAXX010101000|EKU9003173C9|1160.00",
                {"uuid": UUID, "rfcReceptor": "XAXX010101000", "rfcEmisor": "EKU9003173C9", "total": 1160.0},
            ],
            **CSD,
        },
        {
            "rfcEmisor": "EKU9003173C9",
            "uuids": [f"{UUID}|XAXX010101000|EKU9003173C9|1.00"],
            "opciones": ["CERT_DEFAULT"],
        },
    ],
    "cfdi_get_cancellation_receipt": [{"uuid": UUID, "include_xml": True}],
    "cfdi_get_by_uuid": [{"uuid": UUID, "contrato": "C-1"}],
    "cfdi_process_files": [{"items": [{"datos": CSV}, {"datos": CSV, "prueba": True}], "concurrency": 2}],
    "fes_client_new": [
        {
            "base_url": CLOSED,
            "usuario": "u",
            "clave": "c-clave",
            "timeout_ms": 1000,
            "retries": {"max": 0, "base_delay_ms": 1, "max_delay_ms": 1},
        },
        {
            "base_url": "https://example.com/x",
            "usuario": "u",
            "clave": "c-clave",
            "ca_file": "/nonexistent",
            "proxy": "http://p:1",
        },
    ],
    "fv_client_new": [{"base_url": CLOSED, "login": "u", "password": "p-pass", "max_upload_bytes": 1000}],
    "cfdi_client_new": [
        {"base_url": CLOSED, "usuario": "u", "password": "p-pass", "contrato": "C-1", "allow_insecure_http": True}
    ],
    "cfdi_stamp_xml": [
        {"xml": CFDI40, "prueba": True},
        {"xml": CFDI40.replace('Sello="c2VsbG8="', 'Sello=""'), "opciones": ["CALCULAR_SELLO", "NUEVA:x"]},
        {"xml_base64": base64.b64encode(CFDI40.encode()).decode(), "opciones": ["GENERA_PDF"]},
    ],
    "cfdi_stamp_xml_with_csd": [{"xml": CFDI40, "opciones": ["CALCULAR_SELLO"], **CSD}],
    "cfdi_cancel_with_reason": [
        {
            "rfcEmisor": "EKU9003173C9",
            "uuids": [f"{UUID}|02|", {"uuid": UUID, "motivo": 1, "folioSustitucion": UUID2}],
            "opciones": ["CERT_DEFAULT"],
        }
    ],
    "cfdi_get_status": [
        {"uuid": UUID, "rfcEmisor": "EKU9003173C9", "rfcReceptor": "XAXX010101000", "total": "1160.00"}
    ],
    "fv_create_contract_express": [
        {
            "sOwnerType": "NATURAL",
            "iContractTypeFeeID": 28,
            "sContractName": "Arriendo",
            "signers": [{**SIGNER, "rol": 3, "order": 1}, {**SIGNER, "rutId": "2-7", "portion": "0"}],
            "callback": "https://ejemplo.com/webhook",
            "provider": "LEXGOSIGN",
            "content_base64": base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode(),
        },
        {"sOwnerType": "LEGAL", "iContractTypeFeeID": 1, "signers": [SIGNER], "file_path": "/nonexistent.pdf"},
    ],
    "fv_parse_callback": [CALLBACK, {"body": json.dumps({"contract": {"sContractID": "abc", "sStatus": "WEIRD"}})}],
    "fv_confirm_callback": [CALLBACK],
    # *_client_cancel take a call_id, not JSON: raw bytes.
    "fes_client_cancel": [b"job-1", b""],
    "fv_client_cancel": [b"job-1"],
    "cfdi_client_cancel": [b"report-42"],
}

JSON_SEEDS = [
    '{"estado":"OK","errorCode":0,"comentario":"Certificado obtenido exitosamente","certificado":"TUlJ"}',
    '{"estado":"FAIL","errorCode":105,"comentario":"Usuario o clave invalido"}',
    '{"code":200,"status":"success","message":{"Authorization":"Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x"}}',
    '{"code":400,"status":"error","message":"Token Bearer err\\u00f3neo \\/ \\ud83d\\ude00"}',
    "[1,-0,0.5,-1.5e-300,1E+308,9223372036854775807,-9223372036854775808,18446744073709551616,true,false,null]",
    '{"a":{"b":[{"c":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000"}]},"a":2}',
    ' \t\r\n{ "x" : [ ] , "y" : { } } ',
    '"\u00f1and\u00fa \u4e2d \U0001f600"',
    # A request as programs write it (read without a tree, issue 13): ASCII names, a repeated one.
    '{"rut":"76.369.187-K","duracion":1,"comuna":"Vi\u00f1a del Mar","n":-12,"call_id":"c-1",'
    '"signers":[{"a":"b"}],"rut":"1-9","x":"a\\"b"}',
]

XML_SEEDS = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><servicioTimbrado><id>1</id><timbradoOk>true</timbradoOk>'
    "<contrato>PADE-CONTRATO-01</contrato><codigo>0</codigo><version>1.1</version><uuid>" + UUID + "</uuid>"
    "<FechaTimbrado>2026-01-01T10:00:00</FechaTimbrado><xmlBase64>PGE+PC9hPg==</xmlBase64></servicioTimbrado>",
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><servicioCancel><statusOk>true</statusOk>'
    "<rfc>EKU9003173C9</rfc>"
    "<codigo>0</codigo><cancelacion><uuid>"
    + UUID
    + "</uuid><codigo>201</codigo><mensaje>Cancelado</mensaje></cancelacion></servicioCancel>",
    '<?xml version="1.0" encoding="UTF-8"?><servicioConsulta><contrato>C</contrato><consultaOk>false</consultaOk>'
    "<codigo>602</codigo><mensaje>CFDI no existe.|uuid</mensaje></servicioConsulta>",
    '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3" Total="1160.00">'
    '<cfdi:Emisor Rfc="EKU9003173C9"/>'
    '<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="'
    + UUID
    + '"/>'
    "</cfdi:Complemento></cfdi:Comprobante>",
    "<a><![CDATA[<b>x</b>]]><!-- c --><?pi x?>&amp;&lt;&#x41;&#65;<b c=\"&quot;d&quot;\" e='f'/></a>",
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>',
    '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:1/x.dtd"><x>&ext;</x>',
    '<p:a xmlns:p="u"><q:b>undeclared prefix</q:b></p:a>',
]


#: The targets main() writes (all of them unless named on the command line).
SELECTED: List[str] = []


def write(target: str, name: str, data: bytes) -> None:
    if SELECTED and target not in SELECTED:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-{hashlib.sha1(data).hexdigest()[:12]}").write_bytes(data)


def pkcs12(password: str) -> bytes:
    """A FES-like PKCS#12 (RUT in the subject and in subjectAltName otherName 1.3.6.1.4.1.8321.1)."""
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:1024",
                "-nodes",
                "-keyout",
                "k.pem",
                "-out",
                "c.pem",
                "-days",
                "365",
                "-subj",
                "/CN=CERTIFICADO FES 19371037-9/serialNumber=19371037-9/O=CDS",
                "-addext",
                "subjectAltName=otherName:1.3.6.1.4.1.8321.1;IA5STRING:19371037-9",
            ],
            cwd=d,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "openssl",
                "pkcs12",
                "-export",
                "-inkey",
                "k.pem",
                "-in",
                "c.pem",
                "-out",
                "c.p12",
                "-passout",
                f"pass:{password}",
            ],
            cwd=d,
            check=True,
            capture_output=True,
        )
        return (d / "c.p12").read_bytes()


def hardening_seeds() -> None:
    """Inputs that caused the defects of issue 12, as regress-* seeds of the target that covers each."""

    def regress(target: str, name: str, data: bytes) -> None:
        if SELECTED and target not in SELECTED:
            return
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"regress-{name}").write_bytes(data)

    # Item 2: JWT claims that trapped the renewal arithmetic.
    for name, claims in [
        ("exp-max-iat-minus-one", '{"exp":9223372036854775807,"iat":-1}'),
        ("exp-min-iat-max", '{"exp":-9223372036854775808,"iat":9223372036854775807}'),
        ("exp-min", '{"exp":-9223372036854775808}'),
        ("iat-after-exp", '{"exp":100,"iat":200}'),
        ("exp-double", '{"exp":9.2e18,"iat":1e300}'),
    ]:
        regress("fuzz_jwt", name, claims.encode())
    regress("fuzz_jwt", "raw-extremes", bytes([0x7F] + [0xFF] * 7 + [0xFF] * 8))
    # Items 10, 13: hostile XML answers (stray bytes; more attributes than allowed).
    regress("fuzz_xml", "many-attributes", b"<r><x " + b" ".join(b'a%d="1"' % i for i in range(300)) + b"/></r>")
    regress(
        "fuzz_xml",
        "stray-bytes",
        b"<servicioTimbrado><timbradoOk>true</timbradoOk><mensaje>x\xff\x00\x01\xc3(</mensaje><uuid>"
        + UUID.encode()
        + b"</uuid></servicioTimbrado>",
    )
    # Item 10: an OK FES answer with one stray byte (byte 0 selects HTTP 200).
    ok = b'{"estado":"OK","errorCode":0,"comentario":"%s","certificado":"bm90IGEgcGtjczEy"}'
    for name, body in [
        ("latin1", ok % b"emisi\xf3n"),
        ("lone-surrogate", ok % b"a\\ud800b"),
        ("raw-tab", ok % b"a\tb"),
        ("bom", b"\xef\xbb\xbf" + ok % b"x"),
        ("trailing-nul", ok % b"x" + b"\x00\x00"),
    ]:
        regress("fuzz_fes_answer", f"stray-{name}", b"\x00" + body)
        regress("fuzz_json", f"stray-{name}", body)
    # Items 5, 6: a secret echoed raw, percent-encoded (either case, + for space), JSON-escaped.
    secret = 'Cl@ve S3/"x\\+\u00f1'.encode()
    for name, text in [
        ("percent", b"clave=Cl%40ve+S3%2F%22x%5C%2B%C3%B1 end"),
        ("percent-lower", b"Cl%40ve%20S3%2f%22x%5c%2b%c3%b1"),
        ("json", b'{"p":"Cl@ve S3/\\"x\\\\+\\u00f1"}'),
        ("key", b'{"Cl@ve S3/\\"x\\\\+\xc3\xb1":1}'),
    ]:
        regress("fuzz_redactor", name, bytes([len(secret)]) + secret + text)
    for name, data in request_seeds():
        if name.startswith("regress-"):
            regress("fuzz_requests", name[len("regress-") :], data)


# Items 3, 8, 15, 16 of issue 12: configurations now refused (proxy, short secret, CR/LF, NUL, query).
REFUSED_CONFIGURATIONS = [
    {"base_url": CLOSED, "usuario": "u", "clave": "c-clave", "proxy": "http://u:Pr0xy-S3cret@bad host:3128"},
    {"base_url": CLOSED, "usuario": "u", "clave": "abc"},
    {"base_url": CLOSED, "usuario": "u", "clave": "c-clave", "user_agent": "x\r\nAuthorization: Basic eA=="},
    {"base_url": CLOSED + "#Url-S3cret", "usuario": "u\u0000v", "clave": "c-clave"},
    {"base_url": CLOSED, "usuario": "u", "clave": "c-clave", "retries": {"base_delay_ms": 9223372036854775807}},
]


def sample(type_: operation_model.Type) -> object:
    """A value of a binding block's type: the first arm of a union, one item of a list."""
    if type_.kind == "union":
        return sample(type_.args[0])
    if type_.kind == "shape":
        return {field.name: sample(field.type) for field in type_.fields if field.required}
    if type_.kind == "generic":
        return [sample(type_.args[-1])] if type_.name in ("list", "non-empty-list") else {}
    name = type_.name
    if name.startswith(("'", '"')):
        return name[1:-1]
    values = {"int": 1, "float": 1.5, "bool": True, "true": True, "false": False, "path": "/nonexistent/sello-fuzz"}
    return values.get(name, int(name) if name.lstrip("-").isdigit() else "A1")


def block_seeds(binding: operation_model.Binding) -> List[object]:
    """Its required fields, then every field."""
    required = {field.name: sample(field.type) for field in binding.fields if field.required}
    every = {field.name: sample(field.type) for field in binding.fields}
    return [required, every]


def seed_problems(header: "sello_header.Header | None" = None) -> List[str]:
    """What REQUESTS lacks, or has too much, against the functions fuzz_requests calls; an
    operation without a binding block to make its seeds from."""
    header = header or sello_header.read()
    fuzzed = header.names(*sello_header.FUZZED_KINDS)
    model = operation_model.read()
    problems = [
        f"docs/reference.md has no binding block for {name} to make its fuzz seeds from: add one to its section "
        f"(### {name}; see scripts/operation_model.py)"
        for name in header.names("operation")
        if name not in model
    ]
    problems += [
        f"fuzz/make_corpus.py has no seeds for {name} (include/sello.h declares it): add requests for it to REQUESTS"
        for name in fuzzed
        if not REQUESTS.get(name) and name not in header.names("operation")
    ]
    problems += [
        f"fuzz/make_corpus.py has seeds for {name}, which fuzz_requests does not call (include/sello.h "
        f"does not declare it, or it takes no text): remove them from REQUESTS"
        for name in REQUESTS
        if name not in fuzzed
    ]
    return problems


def request_seeds() -> List[Tuple[str, bytes]]:
    """(file name, bytes) of every fuzz_requests seed: the REQUESTS of each function, then the
    regress-config-* files. Deterministic: the committed corpus must hold each of them."""
    problems = seed_problems()
    if problems:
        raise SystemExit("\n".join(problems))
    seeds = []
    for name, requests in REQUESTS.items():
        for request in requests:
            body = request if isinstance(request, bytes) else json.dumps(request, ensure_ascii=False).encode()
            data = selector(name) + body
            seeds.append((f"{name}-{hashlib.sha1(data).hexdigest()[:12]}", data))
    for name, binding in operation_model.read().items():
        for index, request in enumerate(block_seeds(binding)):
            seeds.append((f"{name}-block{index}", selector(name) + json.dumps(request, ensure_ascii=False).encode()))
    for index, config in enumerate(REFUSED_CONFIGURATIONS):
        seeds.append((f"regress-config-{index}", selector("fes_client_new") + json.dumps(config).encode()))
    return seeds


def main(targets: Sequence[str]) -> None:
    SELECTED[:] = targets
    for name, data in request_seeds():
        if not name.startswith("regress-") and (not SELECTED or "fuzz_requests" in SELECTED):
            (CORPUS / "fuzz_requests").mkdir(parents=True, exist_ok=True)
            (CORPUS / "fuzz_requests" / name).write_bytes(data)
    for index, text in enumerate(JSON_SEEDS):
        write("fuzz_json", f"json{index}", text.encode())
    for index, text in enumerate(XML_SEEDS):
        write("fuzz_xml", f"xml{index}", text.encode())
    answering = not SELECTED or "fuzz_fes_answer" in SELECTED  # the PKCS#12 is made anew each time
    certificate = base64.b64encode(pkcs12("Secreta123xyz")).decode() if answering else ""
    answers = [
        (
            0,
            {
                "estado": "OK",
                "errorCode": 0,
                "comentario": "Certificado obtenido exitosamente",
                "certificado": certificate,
            },
        ),
        (0, {"estado": "OK", "errorCode": "0", "certificado": "bm90IGEgcGtjczEy"}),
        (0, {"estado": "FAIL", "errorCode": 105, "comentario": "Usuario o clave invalido"}),
        (0, {"estado": "FAIL", "errorCode": 22, "comentario": "Correo no puede venir vac\u00edo."}),
        (0, {"estado": "fail", "errorCode": "212", "comentario": None}),
    ]
    for status, answer in answers:
        write("fuzz_fes_answer", "answer", bytes([status]) + json.dumps(answer).encode())
    write("fuzz_fes_answer", "html", bytes([8]) + b"<html><body>500 Internal Server Error</body></html>")
    write("fuzz_fes_answer", "retry", bytes([10]) + b"Fri, 31 Dec 9999 23:59:59 GMT")
    hardening_seeds()


if __name__ == "__main__":
    main(sys.argv[1:])
