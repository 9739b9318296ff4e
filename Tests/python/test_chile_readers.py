"""The tolerant readers of "Firma Virtual and FES today" (API.md) through libsello.so: FES's
message under comentario, comentarios or mensaje and errorCode as a number or a string; Firma
Virtual's success by status whatever the code, contrato as an object or an array, PAYOUT as
PAIDOUT."""

from __future__ import annotations

from typing import Any

import pytest
from sello_ffi import Client
from sello_fixtures import FES_REQUEST, FV_SIGNER
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT


def ok(envelope: dict[str, Any]) -> Any:
    assert envelope["ok"] is True, envelope
    return envelope["data"]


@pytest.fixture()
def fv(fv_config):
    with Client("fv", fv_config) as client:
        yield client


# -- FES --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["comentario", "comentarios", "mensaje"])
@pytest.mark.parametrize("error_code", ["int", "string"])
def test_fes_reads_its_message_under_any_of_its_names(sandbox, fes_config, key, error_code):
    sandbox.fes_style(message_key=key, error_code=error_code)
    with Client("fes", fes_config) as fes:
        data = ok(fes.call("obtain_certificate", FES_REQUEST))
        assert (data["estado"], data["errorCode"], data["comentario"]) == ("OK", 0, "Certificado obtenido exitosamente")
        assert data["certificate_info"]["rut"] == "19371037-9"
        sandbox.fes_account("PruebaWS", quota=0)
        envelope = fes.call("obtain_certificate", FES_REQUEST)
    error = envelope["error"]
    assert (error["kind"], error["code"], error["service_code"]) == ("service", "SIN_CUOTA_DISPONIBLE", 104)
    assert "SIN_CUOTA_DISPONIBLE, La empresa excedió el máximo de cuota asignada" in error["message"]


def test_fes_undocumented_code_as_a_string_keeps_its_message(sandbox, fes_config):
    sandbox.fes_style(message_key="mensaje", error_code="string")
    sandbox.fault("service_error", code=130, message="Servicio en mantención")
    with Client("fes", fes_config) as fes:
        error = fes.call("obtain_certificate", FES_REQUEST)["error"]
    assert (error["code"], error["service_code"]) == ("FES_UNDOCUMENTED_ERROR", 130)
    assert "Servicio en mantención" in error["message"]


# -- Firma Virtual ---------------------------------------------------------------------------------


def test_success_is_read_from_status_whatever_the_code(sandbox, fv):
    """The sandbox answers 200, 201 (create), 204 inside a 200 (delete) and 207 (signers)."""
    codes = []
    for operation, request in (
        ("get_contract", {"IDContract": SEED_CONTRACT}),
        (
            "create_signer",
            {
                "contractID": SEED_CONTRACT,
                "full_name": "Ana Pérez",
                "email": "ana@example.cl",
                "rutId": "12345678-5",
                "phone": "912345678",
            },
        ),
        ("delete_contract", {"IDContract": SEED_CONTRACT}),
    ):
        envelope = fv.call(operation, request)
        ok(envelope)
        codes.append(envelope["meta"]["service_code"])
    assert codes == [200, 207, 204]


@pytest.mark.parametrize("shape", ["array", "object"])
def test_the_detail_contrato_is_always_an_array(sandbox, fv, shape):
    sandbox.fv_shapes(detail_contrato=shape)
    data = ok(fv.call("get_contract_detail", {"ContractID": SEED_CONTRACT}))
    [contract] = data["contrato"]
    assert contract["sContractID"] == SEED_CONTRACT and contract["paid"] is False
    assert data["firmantes"][0]["payment"] == "PENDING" and data["firmantes"][0]["paid"] is False


def test_payout_and_paidout_both_mean_paid(sandbox, fv):
    sandbox.fv_advance(SEED_CONTRACT, "DELIVERED", sPaymentStatus="PAIDOUT")
    detail = ok(fv.call("get_contract_detail", {"ContractID": SEED_CONTRACT}))
    assert (detail["contrato"][0]["sPaymentStatus"], detail["contrato"][0]["paid"]) == ("PAIDOUT", True)
    assert (detail["firmantes"][0]["payment"], detail["firmantes"][0]["paid"]) == ("PAYOUT", True)
    assert ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))["paid"] is True
    assert [c["paid"] for c in ok(fv.call("list_owner_contracts", {"IDOwner": 1}))] == [True]


def test_create_contract_takes_payout_for_paidout(sandbox, fv):
    signer = {k: v for k, v in FV_SIGNER.items() if k != "payment"}
    ok(
        fv.call(
            "create_contract",
            {
                "sOwnerType": "NATURAL",
                "sPaymentStatus": "payout",
                "iContractTypeFeeID": 28,
                "iSignedCount": 1,
                "signers": [signer],
            },
        )
    )
    [sent] = [r for r in sandbox.requests() if r["path"] == "/api/v1/contract/create-contract"]
    assert sent["json"]["sPaymentStatus"] == "PAIDOUT"
