"""The SAT takes a CFDI in UTF-8 only (Anexo 20), and PADE's CSV interchange file is UTF-8
(PRODIGIA_2026.md §2.5). Documents in another encoding were sent as they were (audit of
2026-12-08): each is now refused before anything is sent, saying what to do, and the byte-order
mark Excel's "CSV UTF-8" writes is left out."""

from __future__ import annotations

import base64

from cfdi_support import cfdi, expect_error, expect_nothing_sent, service_requests  # noqa: F401  (fixtures)
from sello_fixtures import cfdi40_xml, csv_text, seal

LATIN1_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>'


def test_an_xml_declaring_another_encoding_is_refused(sandbox, cfdi) -> None:
    """Its UTF-8 ñ would be read as Ã± by the PAC, which reads what the declaration says."""
    xml = cfdi40_xml(seal("a")).replace('<?xml version="1.0" encoding="UTF-8"?>', LATIN1_DECLARATION)
    envelope = cfdi.call("stamp_xml", {"xml": xml})
    error = expect_error(envelope, "validation", "XML_MAL_FORMADO", 301, "xml")
    assert 'encoding="ISO-8859-1"' in error["message"] and "UTF-8 only" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_a_utf16_xml_is_said_to_be_utf16(sandbox, cfdi) -> None:
    xml = cfdi40_xml(seal("a")).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    envelope = cfdi.call("stamp_xml", {"xml_base64": base64.b64encode(xml.encode("utf-16")).decode()})
    error = expect_error(envelope, "validation", "XML_MAL_FORMADO", 301, "xml_base64")
    assert "UTF-16" in error["message"] and "iconv" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_a_latin1_xml_is_said_not_to_be_utf8(sandbox, cfdi, tmp_path) -> None:
    path = tmp_path / "cfdi.xml"
    path.write_bytes(cfdi40_xml(seal("a")).replace("<cfdi:Emisor", "<!-- Se\xf1al --><cfdi:Emisor").encode("latin-1"))
    envelope = cfdi.call("stamp_xml", {"xml_path": str(path)})
    error = expect_error(envelope, "validation", "XML_MAL_FORMADO", 301, "xml_path")
    assert "not UTF-8" in error["message"] and "0xF1" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_a_windows_1252_csv_is_refused_before_sending(sandbox, cfdi, tmp_path) -> None:
    path = tmp_path / "factura.csv"
    path.write_bytes(csv_text().replace("ESCUELA KEMPER URGATE", "MUÑOZ PEÑA").encode("cp1252"))
    envelope = cfdi.call("process_file", {"datos_path": str(path)})
    error = expect_error(envelope, "validation", "XML_MAL_FORMADO", 301, "datos_path")
    assert "not UTF-8" in error["message"] and "line 2" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_a_utf16_csv_is_refused_before_sending(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_file", {"datos_base64": base64.b64encode(csv_text().encode("utf-16")).decode()})
    error = expect_error(envelope, "validation", "XML_MAL_FORMADO", 301, "datos_base64")
    assert "UTF-16" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_a_csv_with_a_byte_order_mark_is_sent_without_it(sandbox, cfdi, tmp_path) -> None:
    """Excel's "CSV UTF-8" starts the file with U+FEFF: PADE read "\\ufeffCFDI" as an unknown record."""
    path = tmp_path / "factura.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(folio="88").encode())
    envelope = cfdi.call("process_file", {"datos_path": str(path)})
    assert envelope["ok"] is True, envelope
    [sent] = service_requests(sandbox)
    [datos] = [value for name, value in sent["query"] if name == "datos"]
    assert base64.b64decode(datos).startswith(b"CFDI|"), datos


def test_a_csv_with_crlf_line_ends_is_sent_with_lf(sandbox, cfdi) -> None:
    """PADE separates records with LF (PRODIGIA_2026.md §2.5): a CR before it would end the last
    value of every line, the last IMPT line's amount among them."""
    envelope = cfdi.call("process_file", {"datos": csv_text(folio="89").replace("\n", "\r\n")})
    assert envelope["ok"] is True, envelope
    [sent] = service_requests(sandbox)
    [datos] = [value for name, value in sent["query"] if name == "datos"]
    assert b"\r" not in base64.b64decode(datos) and base64.b64decode(datos).count(b"\n") == 4, datos
