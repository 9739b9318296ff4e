"""What include/sello.h declares, as this binding uses it.

Generated from include/sello.h by scripts/generate.py (make generate): do not edit by hand.

Each client class takes its operation table (OPERATIONS[service]) and the names of its lifecycle
functions (CLIENT_FUNCTIONS[service]) from here; its typed methods are generated from the binding
blocks of docs/reference.md, and bindings/python/tests/test_operation_table.py checks there is one
per operation. SENT_ONCE comes from the same blocks (their `sent: once`).
"""
from typing import Dict, FrozenSet, Tuple

#: SELLO_VERSION_MAJOR.MINOR.PATCH (also the distribution's version: pyproject.toml reads it).
VERSION = "0.1.0"
#: SELLO_ABI_VERSION: the library's sello_abi_version() must be this.
ABI_VERSION = 1
#: The services, by function prefix: each has a client.
SERVICES: Tuple[str, ...] = (
    "fes",
    "fv",
    "cfdi",
)
#: char *NAME(const char *request_json): no client.
HELPER_FUNCTIONS: Tuple[str, ...] = (
    "sello_check_rut",
    "sello_find_comuna",
    "sello_check_rfc",
    "fes_check_request",
    "fv_parse_callback",
    "cfdi_inspect_csd",
)
#: Per service: kind (client_new, client_free, set_progress, set_log, cancel) -> C function.
CLIENT_FUNCTIONS: Dict[str, Dict[str, str]] = {
    "fes": {
        "client_new": "fes_client_new",
        "client_free": "fes_client_free",
        "set_progress": "fes_client_set_progress",
        "set_log": "fes_client_set_log",
        "cancel": "fes_client_cancel",
    },
    "fv": {
        "client_new": "fv_client_new",
        "client_free": "fv_client_free",
        "set_progress": "fv_client_set_progress",
        "set_log": "fv_client_set_log",
        "cancel": "fv_client_cancel",
    },
    "cfdi": {
        "client_new": "cfdi_client_new",
        "client_free": "cfdi_client_free",
        "set_progress": "cfdi_client_set_progress",
        "set_log": "cfdi_client_set_log",
        "cancel": "cfdi_client_cancel",
    },
}
#: Per service: operation (as in client.call()) -> C function,
#: char *NAME(PREFIX_client *client, const char *request_json).
OPERATIONS: Dict[str, Dict[str, str]] = {
    "fes": {
        "obtain_certificate": "fes_obtain_certificate",
    },
    "fv": {
        "login": "fv_login",
        "get_user": "fv_get_user",
        "create_user": "fv_create_user",
        "update_user": "fv_update_user",
        "reset_password": "fv_reset_password",
        "new_password": "fv_new_password",
        "get_contract": "fv_get_contract",
        "create_contract": "fv_create_contract",
        "list_contract_types": "fv_list_contract_types",
        "list_owner_contracts": "fv_list_owner_contracts",
        "get_contract_detail": "fv_get_contract_detail",
        "delete_contract": "fv_delete_contract",
        "upload_document": "fv_upload_document",
        "list_files": "fv_list_files",
        "sort_files": "fv_sort_files",
        "merge_files": "fv_merge_files",
        "send_contract": "fv_send_contract",
        "create_signer": "fv_create_signer",
        "update_signer": "fv_update_signer",
        "delete_signer": "fv_delete_signer",
        "create_contract_express": "fv_create_contract_express",
        "confirm_callback": "fv_confirm_callback",
    },
    "cfdi": {
        "process_file": "cfdi_process_file",
        "process_file_with_csd": "cfdi_process_file_with_csd",
        "cancel": "cfdi_cancel",
        "get_cancellation_receipt": "cfdi_get_cancellation_receipt",
        "get_by_uuid": "cfdi_get_by_uuid",
        "process_files": "cfdi_process_files",
        "stamp_xml": "cfdi_stamp_xml",
        "stamp_xml_with_csd": "cfdi_stamp_xml_with_csd",
        "cancel_with_reason": "cfdi_cancel_with_reason",
        "get_status": "cfdi_get_status",
    },
}
#: The operations cfdi_process_files runs in a batch (its "operation" field).
BATCH_OPERATIONS: Tuple[str, ...] = (
    "process_file",
    "process_file_with_csd",
    "stamp_xml",
    "stamp_xml_with_csd",
    "get_status",
    "get_by_uuid",
)
#: Per service: the operations (as in OPERATIONS) whose requests the library never sends twice
#: (`sent: once` in their binding blocks of docs/reference.md): a certificate, a stamp, a
#: cancellation, a contract. sello.aio does not cancel such a call once it may have been sent.
SENT_ONCE: Dict[str, FrozenSet[str]] = {
    "fes": frozenset(
        {
            "obtain_certificate",
        }
    ),
    "fv": frozenset(
        {
            "create_user",
            "reset_password",
            "new_password",
            "create_contract",
            "delete_contract",
            "upload_document",
            "sort_files",
            "merge_files",
            "send_contract",
            "create_signer",
            "update_signer",
            "delete_signer",
            "create_contract_express",
        }
    ),
    "cfdi": frozenset(
        {
            "process_file",
            "process_file_with_csd",
            "cancel",
            "process_files",
            "stamp_xml",
            "stamp_xml_with_csd",
            "cancel_with_reason",
        }
    ),
}
