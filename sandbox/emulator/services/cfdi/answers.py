"""What every CFDI method shares: the XML answer of each method family (business errors with
their ok flag false, stamps in MRV's order), the HTTP status of each family, the opciones check,
and the guard run before any method (401, 415, codigo 1, 3, 2)."""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from emulator.core.state import LOCK
from emulator.core.values import b64, b64_strict
from emulator.plumbing.answers import Answer, XmlFields, html_answer, xml_answer
from emulator.plumbing.request import Request
from emulator.services.cfdi.models import CFDI, Cfdi, CfdiAccount
from emulator.services.cfdi.tables import CFDI_MESSAGES, CFDI_NO_CERTIFICADO_SAT, CFDI_SHAPES, TINY_PNG


def cfdi_message(code: int, detail: str | None = None) -> str:
    """Seed 002 description; extra detail separated by "|" as the seed says messages are."""
    text = CFDI_MESSAGES.get(code, "Error")
    return f"{text}|{detail}" if detail else text


def cfdi_error(
    kind: str,
    code: int,
    contrato: str | None = None,
    detail: str | None = None,
    rfc: str | None = None,
    message: str | None = None,
    status: int = 200,
) -> Answer:
    """A business error in the method's own XML shape, with its ok flag false."""
    root, flag = CFDI_SHAPES[kind]
    mensaje = message or cfdi_message(code, detail)
    if kind == "timbrado":
        fields: XmlFields = [
            ("id", str(uuid.uuid4())),
            (flag, False),
            ("contrato", contrato),
            ("codigo", code),
            ("mensaje", mensaje),
        ]
    elif kind == "cancel":
        fields = [(flag, False), ("rfc", rfc), ("codigo", code), ("mensaje", mensaje)]
    elif kind == "estatus":
        fields = [(flag, False), ("codigo", code), ("mensaje", mensaje)]
    else:
        fields = [("contrato", contrato), (flag, False), ("codigo", code), ("mensaje", mensaje)]
    return xml_answer(root, fields, status)


def cfdi_kind(path: str) -> str:
    """Which answer shape a CFDI path uses."""
    method = path.rsplit("/", 1)[-1]
    if method.startswith("procesarArchivo") or "/timbrado40" in path:
        return "timbrado"
    if method in ("cancelarCfdiConOpciones", "cancelar"):
        return "cancel"
    return "estatus" if method == "consultarEstatusComprobante" else "consulta"


def cfdi_http_status(path: str) -> int:
    """Today's REST methods answer 202 (PRODIGIA_2026.md §1, [T1]); the integration API keeps 200."""
    return 202 if "/timbrado40" in path or "/cancelacion/" in path else 200


def cfdi_options(values: list[str], allowed: set[str], prefixes: tuple[str, ...] = ()) -> list[str] | None:
    """seed 002 opciones: each a known option, or the first one base64 of "A|B|C"; None if unknown."""

    def known(option: str) -> bool:
        return option in allowed or any(option.startswith(p) for p in prefixes)

    options = list(values)
    if options and not known(options[0]):
        raw = b64_strict(options[0])
        try:
            expanded = raw.decode("utf-8").split("|") if raw is not None else None
        except UnicodeDecodeError:
            expanded = None
        if not expanded:
            return None
        options = expanded + options[1:]
    return options if all(known(o) for o in options) else None


def cfdi_guard(
    req: Request, kind: str, json_body: bool = False, status: int = 200
) -> tuple[CfdiAccount, dict[str, Any]] | Answer:
    """Authentication and contract checks shared by every method, in this order:
    401 (no Basic credentials), 415 (Content-Type), codigo 1 (user/password, lockout after 3
    failures), codigo 3 (no contrato), codigo 2 (contrato not the user's)."""
    credentials = req.basic_auth()
    if credentials is None:
        return html_answer(401, "Authentication required", [("WWW-Authenticate", 'Basic realm="timbrado.pade.mx"')])
    expected_type = "application/json" if json_body else "application/xml"
    if req.content_type != expected_type:
        return html_answer(415, f"Content-Type must be {expected_type}")
    args: dict[str, Any] = {}
    if json_body:
        parsed, body = req.json_body()
        if not parsed or not isinstance(body, dict):
            return html_answer(400, "The request body is not a JSON object")
        args = dict(body)
    contrato = args.get("contrato", req.q("contrato"))
    contrato = contrato if isinstance(contrato, str) else None
    user, password = credentials
    with LOCK:
        account = CFDI.accounts.get(user)
        if account is None:
            return cfdi_error(kind, 1, contrato, status=status)
        if account.failures >= 3 or not hmac.compare_digest(account.password.encode(), password.encode()):
            account.failures += 1
            return cfdi_error(kind, 1, contrato, "cuenta bloqueada" if account.failures > 3 else None, status=status)
        account.failures = 0
    if not contrato:
        return cfdi_error(kind, 3, contrato, "contrato", status=status)
    if contrato != account.contrato:
        return cfdi_error(kind, 2, contrato, status=status)
    args["contrato"] = contrato
    return account, args


def tiny_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF with correct xref offsets."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def cfdi_stamp_fields(
    c: Cfdi,
    contrato: str,
    options: list[str],
    saldo: int | None,
    codigo: int = 0,
    ok: bool = True,
    mensaje: str | None = None,
) -> XmlFields:
    """servicioTimbrado with a stamp, in MRV's order; the folio element spelled as set
    (PRODIGIA_2026.md §7.4: `UUID`, as clients of the real service read it)."""
    return [
        ("id", str(uuid.uuid4())),
        ("timbradoOk", ok),
        ("contrato", contrato),
        ("codigo", codigo),
        ("mensaje", mensaje),
        ("version", "1.1"),
        (CFDI.uuid_element, c.uuid),
        ("FechaTimbrado", c.fecha_timbrado),
        ("selloCFD", c.sello_cfd),
        ("noCertificadoSAT", CFDI_NO_CERTIFICADO_SAT),
        ("selloSAT", c.sello_sat),
        ("xmlBase64", b64(c.xml)),
        ("cbbBase64", b64(TINY_PNG) if "GENERAR_CBB" in options else None),
        ("pdfBase64", b64(tiny_pdf(f"CFDI {c.uuid}")) if "GENERAR_PDF" in options else None),
        ("saldo", saldo if "CONSULTAR_SALDO" in options and saldo is not None else None),
    ]


def cfdi_already_stamped(earlier: Cfdi | None, contrato: str, options: list[str], status: int) -> Answer:
    """307: with REGRESAR_CON_ERROR_307_XML (PRODIGIA_2026.md §3.2) the earlier stamp comes back."""
    if earlier is not None and "REGRESAR_CON_ERROR_307_XML" in options:
        fields = cfdi_stamp_fields(earlier, contrato, options, None, codigo=307, ok=False, mensaje=cfdi_message(307))
        return xml_answer("servicioTimbrado", fields, status)
    return cfdi_error("timbrado", 307, contrato, status=status)
