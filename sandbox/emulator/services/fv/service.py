"""Firma Virtual as the sandbox sees it: its routing table (in matching order: the first route
whose pattern and method match answers) and its fault hooks."""

from __future__ import annotations

from emulator.plumbing.answers import Answer, html_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import table
from emulator.services.base import Service
from emulator.services.fv.common import fv_error
from emulator.services.fv.contracts import (
    fv_contract_detail,
    fv_contract_types,
    fv_create_contract,
    fv_delete_contract,
    fv_get_contract,
    fv_owner_contracts,
)
from emulator.services.fv.express import fv_create_contract_express
from emulator.services.fv.files import fv_list_files, fv_merge, fv_send_draft, fv_sort_files, fv_upload
from emulator.services.fv.models import FV
from emulator.services.fv.signers import fv_signer
from emulator.services.fv.tables import FV_EXPRESS_PATH, MAX_EXPRESS_BODY
from emulator.services.fv.users import fv_create_user, fv_get_user, fv_login, fv_password, fv_update_user

FV_ROUTES = table(
    fv_login,
    fv_get_user,
    fv_create_user,
    fv_update_user,
    fv_password,
    fv_create_contract,
    fv_create_contract_express,
    fv_contract_types,
    fv_owner_contracts,
    fv_contract_detail,
    fv_merge,
    fv_send_draft,
    fv_get_contract,
    fv_delete_contract,
    fv_upload,
    fv_list_files,
    fv_sort_files,
    fv_signer,
)


def fv_service_error(req: Request, code: int, message: str | None) -> Answer:
    """fault service_error: HTTP 400 {"code":400,"status":"error","message": message or "error"}."""
    return fv_error(400, message or "error")


def fv_too_large(path: str) -> Answer:
    """A body over the limit: the upload paths answer as the service does, the others 413 HTML."""
    if path in ("/api/v1/upfile", FV_EXPRESS_PATH):
        return fv_error(413, "File too large")
    return html_answer(413, "Request body too large")


SERVICE = Service(
    name="fv",
    prefix=None,
    routes=FV_ROUTES,
    reset=FV.reset,
    view=FV.view,
    service_error=fv_service_error,
    huge_frame=(b'{"code":200,"status":"success","message":"', b"A", b'"}'),
    json_streams={FV_EXPRESS_PATH: MAX_EXPRESS_BODY},
    too_large=fv_too_large,
)
