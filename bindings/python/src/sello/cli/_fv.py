"""sello fv: the read operations of Firma Virtual (users, contracts, contract types, files)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import click

from ..result import Result
from . import _exit
from ._app import State, cli, handled, json_option


@cli.group("fv")
def fv_group() -> None:
    """Firma Virtual (Chile): read users, contracts, contract types and files.

    The client's settings: [fv] in the configuration file, or SELLO_FV_LOGIN,
    SELLO_FV_PASSWORD / SELLO_FV_PASSWORD_FILE, SELLO_FV_BASE_URL... (`sello config --help`)."""


#: Fields never printed, in tables or in --json: sPassword is Firma Virtual's unsalted SHA-256 of
#: the user's password, as good as the password against a dictionary.
HIDDEN = ("sPassword",)


def _masked(value: Any) -> Any:
    """``value`` with every HIDDEN field's value replaced by "***" (at any depth)."""
    if isinstance(value, dict):
        return {k: ("***" if k in HIDDEN and v is not None else _masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _show(state: State, result: Result, render: Callable[[Any], None]) -> int:
    if state.json_mode:
        state.output.envelope(_masked(dict(result.envelope)))
    else:
        render(result.data)
    state.output.warnings(result.warnings)
    return _exit.OK


def _records(data: Any) -> Sequence[Any]:
    if isinstance(data, list):
        return data
    return [data] if data not in (None, "", {}) else []


@fv_group.command("get-user")
@click.argument("id_user", metavar="ID_USER")
@json_option
@click.pass_obj
@handled
def get_user(state: State, id_user: str) -> int:
    """A user by number (GetAllUser, GET /api/v1/userapp/{IDUser})."""
    result = state.client("fv").call("get_user", {"IDUser": id_user})
    return _show(state, result, lambda data: state.output.fields(f"user {id_user}", data, hide=HIDDEN))


@fv_group.command("get-contract")
@click.argument("contract_id", metavar="CONTRACT_ID")
@json_option
@click.pass_obj
@handled
def get_contract(state: State, contract_id: str) -> int:
    """A contract (GetOneContract, GET /api/v1/contract/{IDContract})."""
    result = state.client("fv").get_contract(IDContract=contract_id)
    return _show(state, result, lambda data: state.output.fields(f"contract {contract_id}", data))


@fv_group.command("contract-detail")
@click.argument("contract_id", metavar="CONTRACT_ID")
@json_option
@click.pass_obj
@handled
def contract_detail(state: State, contract_id: str) -> int:
    """A contract with its signers and files (ContratcDetail, GET /api/v1/contract/detail/{id})."""
    result = state.client("fv").get_contract_detail(ContractID=contract_id)

    def render(data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        for index, contract in enumerate(_records(data.get("contrato"))):
            state.output.fields(f"contract {contract_id}" + (f" ({index + 1})" if index else ""), contract)
        state.output.rows(
            "signers",
            _records(data.get("firmantes")),
            ["num", "RUT", "full_name", "email", "phone", "portion", "totalPay", "sign_status"],
        )
        state.output.rows("files", _records(data.get("archivos")), ["orden", "file_name"])

    return _show(state, result, render)


@fv_group.command("owner-contracts")
@click.argument("id_owner", metavar="ID_OWNER")
@json_option
@click.pass_obj
@handled
def owner_contracts(state: State, id_owner: str) -> int:
    """The contracts of an owner (ContractOwner, GET /api/v1/contract/owner/{IDOwner})."""
    result = state.client("fv").call("list_owner_contracts", {"IDOwner": id_owner})
    return _show(
        state,
        result,
        lambda data: state.output.rows(
            f"contracts of owner {id_owner}",
            _records(data),
            [
                "sContractID",
                "sStatus",
                "sTipoContrato",
                "sClaseContrato",
                "sTipoFirma",
                "NumeroFirmantes",
                "withDocument",
                "Monto",
            ],
        ),
    )


@fv_group.command("contract-types")
@click.argument("qtype", default="ALL", metavar="[QTYPE]")
@click.argument("qvalue", default="0", metavar="[QVALUE]")
@json_option
@click.pass_obj
@handled
def contract_types(state: State, qtype: str, qvalue: str) -> int:
    """Contract types and fees (GetContractType, GET /api/v1/contract-type/{QTYPE}/{QVALUE}).

    \b
    QTYPE ALL (QVALUE 0, the default), TYPE or CONTRACT-TYPE (REAL_ESTATE, LABOR, PERSONAL, POWER,
    COMPANY, SOCIETY, VEHICLE), MODAL (SIGNATURE, SIGNATURE_CERT_NOTARIAL, SIGNATURE_PROT_NOTARIAL),
    ID or FEE (a positive integer: the ids depend on the account's plan)."""
    result = state.client("fv").list_contract_types(QTYPE=qtype, QVALUE=qvalue)
    return _show(
        state,
        result,
        lambda data: state.output.rows(
            f"contract types {qtype} {qvalue}",
            _records(data),
            [
                "iContractTypeFeeID",
                "iContractTypeID",
                "sContractType",
                "sContractTypeName",
                "sModal",
                "iSignCount",
                "fAmount",
            ],
        ),
    )


@fv_group.command("list-files")
@click.argument("contract_id", metavar="CONTRACT_ID")
@json_option
@click.pass_obj
@handled
def list_files(state: State, contract_id: str) -> int:
    """The files of a contract, in order (FileList, GET /api/v1/filelist/{ContractID})."""
    result = state.client("fv").list_files(ContractID=contract_id)
    return _show(
        state,
        result,
        lambda data: state.output.rows(
            f"files of {contract_id}", _records(data), ["orden", "document", "description", "url"]
        ),
    )
