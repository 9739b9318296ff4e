"""The SAT status of a CFDI (cfdi_get_status) and the batch of every read and stamp
(cfdi_process_files with "operation"), through the .so against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from cfdi_support import (  # noqa: F401  (fixtures, requested by name)
    assert_basic_and_no_accept,
    canned,
    canned_client,
    cfdi,
    expect_error,
    expect_nothing_sent,  # noqa: F401
    service_requests,
    warning_codes,
)
from sello_ffi import Client
from sello_fixtures import CFDI_REST, EMISOR, NAMED_RECEPTOR, cfdi40_xml, csd_fields, mexico_city_now, seal

GHOST = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"


def stamp(cfdi: Client, tag: str, receptor: str = NAMED_RECEPTOR, total: str = "1160.00") -> str:
    envelope = cfdi.call("stamp_xml", {"xml": cfdi40_xml(seal(tag), folio=tag, receptor=receptor, total=total)})
    assert envelope["ok"] is True, envelope
    return envelope["data"]["uuid"]


def status(uuid: str, receptor: str = NAMED_RECEPTOR, total: Any = "1160.00", **fields: Any) -> dict[str, Any]:
    return {"uuid": uuid, "rfcEmisor": EMISOR, "rfcReceptor": receptor, "total": total, **fields}


# --- cfdi_get_status --------------------------------------------------------------------------------


def test_get_status_sends_the_documented_query(sandbox, cfdi) -> None:
    uuid = stamp(cfdi, "v")
    envelope = cfdi.call("get_status", status(uuid.lower(), total=1160))
    assert envelope["ok"] is True and "warnings" not in envelope, envelope
    request = service_requests(sandbox)[-1]
    assert (request["method"], request["path"]) == ("POST", CFDI_REST + "/cancelacion/consultarEstatusComprobante")
    assert request["query"] == [
        ["contrato", "PADE-CONTRATO-01"],
        ["uuid", uuid.lower()],
        ["rfcEmisor", EMISOR],
        ["rfcReceptor", NAMED_RECEPTOR],
        ["total", "1160"],
    ]
    assert request["headers"]["content-type"] == "application/xml" and request["body_size"] == 0
    assert_basic_and_no_accept(request)
    data = envelope["data"]
    assert envelope["meta"]["http_status"] == 202 and envelope["meta"]["service_code"] == 91
    assert (data["consultaOk"], data["codigo"], data["estado"]) == (True, 91, "Vigente")
    assert (data["estatusCfdi"], data["estatus_text"], data["estatus_cfdi_name"]) == (2, "Vigente", "VIGENTE")
    assert data["codigoEstatus"].startswith("S - Comprobante obtenido")
    assert data["esCancelable"] == "Cancelable con aceptación"
    assert data["estatus_cfdi_descripcion"].startswith("Vigente. Se obtiene cuando")


def test_statuses_through_a_cancellation(sandbox, cfdi) -> None:
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    direct, accepted, expired = stamp(cfdi, "d", receptor="XAXX010101000"), stamp(cfdi, "a"), stamp(cfdi, "x")
    cancel = cfdi.call(
        "cancel_with_reason",
        {
            "rfcEmisor": EMISOR,
            "opciones": ["CERT_DEFAULT"],
            "uuids": [f"{direct}|02|", f"{accepted}|02|", f"{expired}|03|"],
        },
    )
    # Each 201 is SAT's "request received": the two above $1,000 to a named receiver wait for it.
    assert [c["codigo"] for c in cancel["data"]["cancelaciones"]] == [201, 201, 201]
    assert len([w for w in cancel["warnings"] if w["code"] == "CANCELLATION_REQUESTED"]) == 3

    def seen(uuid: str, receptor: str = NAMED_RECEPTOR) -> tuple[int, str]:
        data = cfdi.call("get_status", status(uuid, receptor))["data"]
        return data["estatusCfdi"], data["estatus_text"]

    assert seen(direct, "XAXX010101000") == (9, "Cancelado sin aceptación")
    assert seen(accepted) == (7, "Cancelación en proceso")
    sandbox.cfdi_receiver(accepted, "accept")
    sandbox.cfdi_receiver(expired, "expire")
    assert seen(accepted) == (8, "Cancelado con aceptación")
    assert seen(expired) == (10, "Cancelado por plazo vencido")
    cancelled = cfdi.call("get_status", status(direct, "XAXX010101000"))["data"]
    assert (cancelled["estado"], cancelled["estatusCancelacion"]) == ("Cancelado", "Cancelado sin aceptación")


def test_a_cfdi_the_sat_does_not_know(sandbox, cfdi) -> None:
    uuid = stamp(cfdi, "n")
    for request in (status(GHOST), status(uuid, total="1.00")):  # SAT finds a CFDI by its whole expression
        envelope = cfdi.call("get_status", request)
        assert envelope["ok"] is True and "warnings" not in envelope, envelope
        data = envelope["data"]
        assert (data["codigo"], data["estado"], data["estatusCfdi"], data["estatus_text"]) == (
            90,
            "No Encontrado",
            1,
            "CFDi no existe",
        )


STATUS_CHECKS = [
    ("no uuid", {"uuid": None}, "PARAMETRO_INVALIDO", "uuid"),
    ("bad uuid", {"uuid": "5FB2822E"}, "PARAMETRO_INVALIDO", "uuid"),
    ("no rfcEmisor", {"rfcEmisor": None}, "PARAMETRO_INVALIDO", "rfcEmisor"),
    ("bad rfcReceptor", {"rfcReceptor": "XAXX0101"}, "PARAMETRO_INVALIDO", "rfcReceptor"),
    ("no total", {"total": None}, "PARAMETRO_INVALIDO", "total"),
    ("bad total", {"total": "mil"}, "PARAMETRO_INVALIDO", "total"),
    ("negative total", {"total": -1}, "PARAMETRO_INVALIDO", "total"),
    ("near miss", {"opciones": ["CONSULTAR_SALDOS"]}, "PARAMETRO_INVALIDO", "opciones"),
    ("unknown field", {"save_dir": "/tmp"}, "UNKNOWN_FIELD", "save_dir"),
]


@pytest.mark.parametrize("name,change,code,field", STATUS_CHECKS, ids=[c[0] for c in STATUS_CHECKS])
def test_get_status_checks_send_nothing(sandbox, cfdi, name, change, code, field) -> None:
    request = {k: v for k, v in {**status(GHOST), **change}.items() if v is not None}
    envelope = cfdi.call("get_status", request)
    assert envelope["error"]["code"] == code and envelope["error"]["field"] == field, envelope
    expect_nothing_sent(sandbox, envelope)


def test_a_status_query_is_retried_like_any_read(sandbox, cfdi_config) -> None:
    sandbox.fault("status", status=502, prefix=CFDI_REST + "/cancelacion/consultarEstatusComprobante")
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("get_status", status(GHOST))
    assert envelope["ok"] is True and envelope["meta"]["attempts"] == 2, envelope
    # timeout_ms bounds the whole call (issue 12): an attempt that used it up is the last one,
    # and the error says the query may be repeated.
    sandbox.fault("delay", ms=1500, prefix=CFDI_REST + "/cancelacion/consultarEstatusComprobante")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 300}) as client:
        envelope = client.call("get_status", status(GHOST))
    assert envelope["error"]["code"] == "TIMEOUT" and envelope["error"]["retryable"] is True, envelope
    assert envelope["meta"]["attempts"] == 1
    sandbox.fault("service_error", code=5, prefix=CFDI_REST + "/cancelacion/consultarEstatusComprobante")
    with Client("cfdi", cfdi_config) as client:
        error = expect_error(client.call("get_status", status(GHOST)), "service", "FUERA_DE_LINEA_POR_MANTENIMIENTO", 5)
    assert error["retryable"] is True


@pytest.mark.parametrize(
    "number,text",
    [
        (0, "Desconocido"),
        (3, "Vigente con aceptación"),
        (5, "Vigente no cancelable"),
        (6, "Cancelado"),
        (99, "Indeterminado"),
    ],
)
def test_every_estatus_has_its_text(canned, number, text) -> None:
    canned.answers["consultarEstatusComprobante"] = (
        200,
        (
            "<servicioConsultaComprobante><consultaOk>true</consultaOk><codigo>91</codigo>"
            f"<estatusCfdi>{number}</estatusCfdi></servicioConsultaComprobante>"
        ).encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call("get_status", status(GHOST))
    assert envelope["data"]["estatus_text"] == text and "warnings" not in envelope


def test_a_status_refused_with_a_cancellation_code(canned) -> None:
    canned.answers["consultarEstatusComprobante"] = (
        202,
        (
            "<servicioConsultaComprobante><consultaOk>false</consultaOk><codigo>92</codigo>"
            "<mensaje>expresión impresa</mensaje></servicioConsultaComprobante>"
        ).encode(),
    )
    with canned_client(canned) as client:
        error = expect_error(client.call("get_status", status(GHOST)), "service", "EXPRESION_IMPRESA_INVALIDA", 92)
    assert "expresión impresa" in error["message"]


# --- cfdi_process_files: every read and stamp ----------------------------------------------------------


def test_batch_of_status_queries(sandbox, cfdi) -> None:
    uuids = [stamp(cfdi, str(n)) for n in range(3)]
    items = [status(u) for u in uuids] + [status(GHOST), {"uuid": "x"}]
    envelope = cfdi.call("process_files", {"operation": "get_status", "items": items, "concurrency": 4})
    assert envelope["ok"] is True, envelope
    data = envelope["data"]
    assert (data["succeeded"], data["failed"]) == (4, 1)
    results = data["results"]
    assert [r["data"]["estatusCfdi"] for r in results[:4]] == [2, 2, 2, 1]
    assert all(r["meta"]["operation"] == "get_status" for r in results)
    expect_error(results[4], "validation", "PARAMETRO_INVALIDO", 3, "uuid")
    assert results[4]["meta"]["attempts"] == 0
    received = service_requests(sandbox, CFDI_REST + "/cancelacion")
    assert sorted(dict(r["query"])["uuid"] for r in received) == sorted(uuids + [GHOST])
    assert envelope["meta"]["attempts"] == 4


def test_batch_of_xml_stamps_keeps_the_rules_of_each(sandbox, cfdi) -> None:
    twice = cfdi40_xml(seal("t"), folio="t")
    items = [{"xml": cfdi40_xml(seal(str(n)), folio=str(n))} for n in range(4)] + [
        {"xml": cfdi40_xml("")},
        {"xml": twice},
        {"xml": twice},
    ]
    envelope = cfdi.call("process_files", {"operation": "stamp_xml", "items": items, "concurrency": 1})
    results = envelope["data"]["results"]
    assert [r["ok"] for r in results] == [True] * 4 + [False, True, False], envelope
    expect_error(results[4], "validation", "SELLO_MAL_FORMADO", 302)
    # The same XML twice in one batch is refused before it is sent (Prodigia would answer it with
    # the earlier stamp, 307: counted twice in `succeeded`, and a request spent); sent again in
    # another call, it is that earlier stamp.
    error = expect_error(results[6], "validation", "DUPLICATE_ITEM")
    assert "items[5]" in error["message"] and results[6]["meta"]["attempts"] == 0
    assert len(sandbox.state()["cfdis"]) == 5 and len(service_requests(sandbox)) == 5
    again = cfdi.call("process_files", {"operation": "stamp_xml", "items": [{"xml": twice}]})["data"]["results"][0]
    assert warning_codes(again) == ["ALREADY_STAMPED"] and again["data"]["uuid"] == results[5]["data"]["uuid"]
    for request in service_requests(sandbox):
        assert request["path"] == CFDI_REST + "/timbrado40" and request["query"][-1] == [
            "opciones",
            "REGRESAR_CON_ERROR_307_XML",
        ]


def test_batch_of_xml_stamps_with_the_csd(sandbox, cfdi, certs) -> None:
    items = [
        {"xml": cfdi40_xml(folio=str(n)), "opciones": ["CALCULAR_SELLO"], **csd_fields(certs["other"])}
        for n in range(3)
    ] + [
        {"xml": cfdi40_xml(folio="3"), **csd_fields(certs["csd"])},  # another RFC's CSD: refused locally
        {"xml": cfdi40_xml(folio="4"), **csd_fields(certs["other"])},  # an empty Sello, sealed with the CSD
        {"xml": cfdi40_xml(folio="4"), **csd_fields(certs["other"])},  # the same: sealed there, perhaps a new CFDI
    ]
    envelope = cfdi.call("process_files", {"operation": "stamp_xml_with_csd", "items": items})
    data = envelope["data"]
    assert (data["succeeded"], data["failed"]) == (4, 2), data
    expect_error(data["results"][3], "validation", "RFC_EMISOR_NO_CORRESPONDE", 203)
    error = expect_error(data["results"][5], "validation", "DUPLICATE_ITEM")
    assert "items[4]" in error["message"] and data["results"][5]["meta"]["attempts"] == 0
    assert data["results"][3]["meta"]["attempts"] == 0 and len(service_requests(sandbox)) == 4
    assert {r["path"] for r in service_requests(sandbox)} == {CFDI_REST + "/timbrado40/timbrarCfdi"}


def test_batch_of_integration_stamps_and_lookups(sandbox, cfdi, certs) -> None:
    fecha = f"{mexico_city_now():%Y-%m-%dT%H:%M:%S}"
    csv = [{"datos": f"CFDI|3.3|A|{n}|{fecha}|\nTOTAL|1.00\n", **csd_fields(certs["other"])} for n in range(3)]
    stamped = cfdi.call("process_files", {"operation": "process_file_with_csd", "items": csv})
    assert stamped["data"]["succeeded"] == 3, stamped
    uuids = [r["data"]["uuid"] for r in stamped["data"]["results"]]
    assert all(r["meta"]["operation"] == "process_file_with_csd" for r in stamped["data"]["results"])
    found = cfdi.call(
        "process_files",
        {"operation": "get_by_uuid", "items": [{"uuid": u, "include_xml": True} for u in uuids] + [{"uuid": GHOST}]},
    )
    results = found["data"]["results"]
    assert [u in r["data"]["xml"] for r, u in zip(results, uuids)] == [True] * 3
    expect_error(results[3], "service", "CFDI_NO_EXISTE", 602)
    assert [r["path"] for r in service_requests(sandbox)][-4:] == [CFDI_REST + "/integracion/consultaCfdiPorUUID"] * 4


@pytest.mark.parametrize(
    "operation", ["cancel", "cancel_with_reason", "get_cancellation_receipt", "inspect_csd", "stamp"]
)
def test_batch_refuses_what_it_cannot_run(sandbox, cfdi, operation) -> None:
    envelope = cfdi.call("process_files", {"operation": operation, "items": []})
    error = expect_error(envelope, "invalid_argument", "INVALID_ARGUMENT", field="operation")
    assert "get_status" in error["message"]
    expect_nothing_sent(sandbox, envelope)


def test_a_batch_status_is_retried_per_item(sandbox, cfdi_config) -> None:
    sandbox.fault("status", status=503, prefix=CFDI_REST + "/cancelacion/consultarEstatusComprobante")
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("process_files", {"operation": "get_status", "items": [status(GHOST)] * 3})
    assert envelope["data"]["succeeded"] == 3, envelope
    assert sorted(r["meta"]["attempts"] for r in envelope["data"]["results"]) == [1, 1, 2]
    assert len(service_requests(sandbox)) == 4 and envelope["meta"]["attempts"] == 4
