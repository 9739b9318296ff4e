"""Firma Virtual (Chile): users, contracts, PDF documents, signers."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._client import LOG_INFO, Client, LogCallback, ProgressCallback, call_helper, client_config
from .result import Result

__all__ = ["FirmaVirtual", "fv_parse_callback"]

PathLike = Union[str, "os.PathLike[str]"]
Signer = Mapping[str, Any]
#: A callback's body as a webhook receives it: the raw bytes or text, or the parsed JSON object.
CallbackBody = Union[bytes, str, Mapping[str, Any]]


def _callback_request(body: CallbackBody) -> Dict[str, Any]:
    """{"body": ...}: text as text (bytes decoded as UTF-8, undecodable bytes replaced: such a body
    is then refused as not a callback), a mapping as the JSON object."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return {"body": bytes(body).decode("utf-8", errors="replace")}
    if isinstance(body, str):
        return {"body": body}
    return {"body": dict(body)}


def fv_parse_callback(body: CallbackBody) -> Result:
    """Reads the body Firma Virtual POSTs to a contract's ``callback`` URL (``fv_parse_callback``;
    no client, nothing sent): data {"sContractID", "sStatus" (as received), "sContractName",
    "status" (CREATED, REVIEW, APPROVED, REJECTED, IN_NOTARY, SIGNED_PENDING, DELIVERED,
    FINISHED, or OTHER with a STATUS_UNKNOWN warning), "signers", "contract"}. Not a callback:
    ValidationError CALLBACK_INVALID. A callback is not authenticated: act on
    :meth:`FirmaVirtual.confirm_callback`, not on this."""
    return call_helper("fv_parse_callback", _callback_request(body))


class FirmaVirtual(Client):
    """A Firma Virtual client (``fv_client_new``).

    Configuration as :class:`sello.FES`, with ``login`` and ``password`` instead of usuario/clave,
    and ``max_upload_bytes`` (default 52428800, the service's 50 MB); ``environment`` is "qa"
    (the default, qa.firmavirtual.legal), "sandbox" (test.firmavirtual.legal) or "production"
    (api.firmavirtual.legal). The bearer token is obtained
    when first needed, cached inside the client and renewed once when the service reports it
    invalid; it is never returned.

    Every method returns a Result whose ``data`` is the service's "message" payload unwrapped (a
    dict, a list or a string), with the body's own code in ``meta["service_code"]``. Arguments
    keep the service's field names (IDUser, sOwnerType, contractID...); None leaves a field out.
    """

    _service = "fv"

    def __init__(
        self,
        *,
        login: str,
        password: str,
        base_url: Optional[str] = None,
        environment: Optional[str] = None,
        max_upload_bytes: Optional[int] = None,
        timeout_ms: Optional[int] = None,
        connect_timeout_ms: Optional[int] = None,
        ca_file: Optional[PathLike] = None,
        proxy: Optional[str] = None,
        user_agent: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        retries: Optional[Mapping[str, int]] = None,
        on_progress: Optional[ProgressCallback] = None,
        on_log: Optional[LogCallback] = None,
        log_level: int = LOG_INFO,
    ) -> None:
        config = client_config(
            login=login,
            password=password,
            base_url=base_url,
            environment=environment,
            max_upload_bytes=max_upload_bytes,
            timeout_ms=timeout_ms,
            connect_timeout_ms=connect_timeout_ms,
            ca_file=os.fspath(ca_file) if ca_file is not None else None,
            proxy=proxy,
            user_agent=user_agent,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            retries=dict(retries) if retries is not None else None,
        )
        super().__init__(config, on_progress=on_progress, on_log=on_log, log_level=log_level)

    # -- users -----------------------------------------------------------------------------------
    def login(self) -> Result:
        """UserDataLogin (POST /logindata) with the configured login: data {"authorized": True,
        "expires_at"}; the token stays inside the client."""
        return self._invoke("login", {})

    def get_user(self, *, IDUser: int) -> Result:
        """GetAllUser (GET /api/v1/userapp/{IDUser})."""
        return self._invoke("get_user", {"IDUser": IDUser})

    def create_user(
        self,
        *,
        iProfileID: Optional[int] = None,
        sRUT: Optional[str] = None,
        sFirstName: Optional[str] = None,
        sLastName: Optional[str] = None,
        sEmail: Optional[str] = None,
        sPhone: Optional[str] = None,
        sLogin: Optional[str] = None,
        sPassword: Optional[str] = None,
        sComments: Optional[str] = None,
        sUserType: Optional[str] = None,
    ) -> Result:
        """CreateUserApp (POST /api/v1/userapp)."""
        return self._invoke(
            "create_user",
            {
                "iProfileID": iProfileID,
                "sRUT": sRUT,
                "sFirstName": sFirstName,
                "sLastName": sLastName,
                "sEmail": sEmail,
                "sPhone": sPhone,
                "sLogin": sLogin,
                "sPassword": sPassword,
                "sComments": sComments,
                "sUserType": sUserType,
            },
        )

    def update_user(
        self,
        *,
        IDUser: int,
        sFirstName: Optional[str] = None,
        sLastName: Optional[str] = None,
        sPhone: Optional[str] = None,
    ) -> Result:
        """UpdateUserApp (PUT /api/v1/userapp/{IDUser}): only sFirstName, sLastName, sPhone."""
        return self._invoke(
            "update_user", {"IDUser": IDUser, "sFirstName": sFirstName, "sLastName": sLastName, "sPhone": sPhone}
        )

    def reset_password(self, *, login: str) -> Result:
        """PasswordReset (POST /pwd/reset): e-mails a temporary code to ``login`` (an e-mail)."""
        return self._invoke("reset_password", {"login": login})

    def new_password(self, *, login: str, password: str, new_password: str) -> Result:
        """NewPassword (POST /pwd/reset): ``password`` is the e-mailed code."""
        return self._invoke("new_password", {"login": login, "password": password, "new_password": new_password})

    # -- contracts -------------------------------------------------------------------------------
    def get_contract(self, *, IDContract: str) -> Result:
        """GetOneContract (GET /api/v1/contract/{IDContract})."""
        return self._invoke("get_contract", {"IDContract": IDContract})

    def create_contract(
        self,
        *,
        sOwnerType: str,
        signers: Sequence[Signer],
        sPaymentStatus: Optional[str] = None,
        iPaymentService: Optional[int] = None,
        iContractTypeFeeID: Optional[int] = None,
        iSignedCount: Optional[int] = None,
        callback: Optional[str] = None,
    ) -> Result:
        """CreateContract (POST /api/v1/contract/create-contract). Never sent twice once it may
        have reached the service. ``signers``: dicts with full_name, email, rutId, phone, type,
        portion, payment."""
        return self._invoke(
            "create_contract",
            {
                "sOwnerType": sOwnerType,
                "sPaymentStatus": sPaymentStatus,
                "iPaymentService": iPaymentService,
                "iContractTypeFeeID": iContractTypeFeeID,
                "iSignedCount": iSignedCount,
                "callback": callback,
                "signers": [dict(s) for s in signers],
            },
        )

    def list_contract_types(self, *, QTYPE: str, QVALUE: Union[str, int]) -> Result:
        """GetContractType (GET /api/v1/contract-type/{QTYPE}/{QVALUE}), e.g. QTYPE="ALL", QVALUE="0"."""
        return self._invoke("list_contract_types", {"QTYPE": QTYPE, "QVALUE": QVALUE})

    def list_owner_contracts(self, *, IDOwner: int) -> Result:
        """ContractOwner (GET /api/v1/contract/owner/{IDOwner})."""
        return self._invoke("list_owner_contracts", {"IDOwner": IDOwner})

    def get_contract_detail(self, *, ContractID: str) -> Result:
        """ContratcDetail (GET /api/v1/contract/detail/{ContractID}): contrato, firmantes, archivos."""
        return self._invoke("get_contract_detail", {"ContractID": ContractID})

    def delete_contract(self, *, IDContract: str) -> Result:
        """DeleteContract (POST /api/v1/contract/{IDContract}, a POST as documented)."""
        return self._invoke("delete_contract", {"IDContract": IDContract})

    # -- documents -------------------------------------------------------------------------------
    def upload_document(
        self, *, contractID: str, file_path: Optional[PathLike] = None, content_base64: Optional[str] = None
    ) -> Result:
        """SubirDocumentos (multipart POST /api/v1/upfile), sent as "<contractID>.pdf".
        Give ``file_path`` (streamed from disk, progress reported) or ``content_base64``."""
        return self._invoke(
            "upload_document", {"contractID": contractID, "file_path": file_path, "content_base64": content_base64}
        )

    def list_files(self, *, ContractID: str) -> Result:
        """FileList (GET /api/v1/filelist/{ContractID})."""
        return self._invoke("list_files", {"ContractID": ContractID})

    def sort_files(self, *, contractID: str, file_order: Sequence[Mapping[str, Any]]) -> Result:
        """SortFiles (POST /api/v1/sortfiles): file_order items {"document", "ind",
        "action": "CHANGE"|"REMOVE"}."""
        order: List[Dict[str, Any]] = [dict(item) for item in file_order]
        return self._invoke("sort_files", {"contractID": contractID, "file_order": order})

    def merge_files(self, *, ContractID: str) -> Result:
        """MergedFile (POST /api/v1/contract/merge/{ContractID})."""
        return self._invoke("merge_files", {"ContractID": ContractID})

    def send_contract(self, *, IDContract: str) -> Result:
        """SendContract (POST /api/v1/contract/send/draft/{IDContract}): mails the draft to the signers."""
        return self._invoke("send_contract", {"IDContract": IDContract})

    # -- signers ---------------------------------------------------------------------------------
    def create_signer(
        self,
        *,
        contractID: str,
        full_name: Optional[str] = None,
        email: Optional[str] = None,
        rutId: Optional[str] = None,
        phone: Optional[str] = None,
    ) -> Result:
        """CreateSigner (POST /api/v1/signer/new)."""
        return self._invoke(
            "create_signer",
            {"contractID": contractID, "full_name": full_name, "email": email, "rutId": rutId, "phone": phone},
        )

    def update_signer(
        self,
        *,
        contractID: str,
        full_name: Optional[str] = None,
        email: Optional[str] = None,
        rutId: Optional[str] = None,
        phone: Optional[str] = None,
    ) -> Result:
        """UpdateSigner (POST /api/v1/signer/upd): the signer is found by rutId."""
        return self._invoke(
            "update_signer",
            {"contractID": contractID, "full_name": full_name, "email": email, "rutId": rutId, "phone": phone},
        )

    def delete_signer(self, *, contractID: str, rutId: str) -> Result:
        """DeleteSigner (POST /api/v1/signer/del)."""
        return self._invoke("delete_signer", {"contractID": contractID, "rutId": rutId})

    # -- today: one call per contract, and its callbacks ----------------------------------------
    def create_contract_express(
        self,
        *,
        sOwnerType: str,
        iContractTypeFeeID: int,
        signers: Sequence[Signer],
        file_path: Optional[PathLike] = None,
        content_base64: Optional[str] = None,
        iSignedCount: Optional[int] = None,
        sContractName: Optional[str] = None,
        callback: Optional[str] = None,
        iAgreementId: Optional[int] = None,
        iPriceId: Optional[int] = None,
        provider: Optional[str] = None,
    ) -> Result:
        """create-contract-express (POST /api/v1/contract/create-contract-express): the contract,
        its signers and its PDF in one call. Never sent twice once it may have reached the service.

        ``signers``: dicts with full_name, email, rutId, phone ("+56…", or the 9 digits), rol (0
        signs, 3 pays), order, type, portion ("100", or "50" for each of two payers), payment.
        The PDF as ``file_path`` (base64-encoded while it is sent, progress reported) or
        ``content_base64``. Returns data {"sContractID", "sStatus", "sContractName", "message"};
        when the answer carries no contract id, sContractID is None and ``result.warnings`` has
        CONTRACT_ID_MISSING: the contract exists, find it by its sContractName."""
        return self._invoke(
            "create_contract_express",
            {
                "sOwnerType": sOwnerType,
                "iContractTypeFeeID": iContractTypeFeeID,
                "iSignedCount": iSignedCount,
                "signers": [dict(s) for s in signers],
                "sContractName": sContractName,
                "callback": callback,
                "iAgreementId": iAgreementId,
                "iPriceId": iPriceId,
                "provider": provider,
                "file_path": file_path,
                "content_base64": content_base64,
            },
        )

    def confirm_callback(self, body: CallbackBody) -> Result:
        """Parses a callback body (as :func:`fv_parse_callback`), then asks the service for the
        contract's detail and returns the status it confirms (``fv_confirm_callback``): data
        {"sContractID", "sStatus", "status", "sPaymentStatus", "paid", "agrees" (the callback
        said the same), "callback", "detail"}. Act on ``status``, the service's word."""
        return self._invoke("confirm_callback", _callback_request(body))
