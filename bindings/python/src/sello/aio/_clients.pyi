# Generated from the synchronous clients by sello/aio/_stubgen.py: do not edit by hand.
# After adding an operation to sello.FES, sello.FirmaVirtual or sello.CFDI, run
#   python3 -m sello.aio._stubgen
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

from .. import cfdi as _cfdi
from .. import fes as _fes
from .. import firma_virtual as _firma_virtual
from .._client import LogCallback, ProgressCallback
from ..cfdi import UuidEntry
from ..fes import PathLike
from ..firma_virtual import CallbackBody, Signer
from ..result import Result
from ._base import AsyncClient

__all__ = ["FES", "FirmaVirtual", "CFDI"]

class FES(AsyncClient[_fes.FES]):
    def __init__(
        self,
        *,
        usuario: str,
        clave: str,
        base_url: Optional[str] = ...,
        environment: Optional[str] = ...,
        timeout_ms: Optional[int] = ...,
        connect_timeout_ms: Optional[int] = ...,
        ca_file: Optional[PathLike] = ...,
        proxy: Optional[str] = ...,
        user_agent: Optional[str] = ...,
        max_response_bytes: Optional[int] = ...,
        allow_insecure_http: Optional[bool] = ...,
        retries: Optional[Mapping[str, int]] = ...,
        on_progress: Optional[ProgressCallback] = ...,
        on_log: Optional[LogCallback] = ...,
        log_level: int = ...,
        max_concurrency: int = ...,
    ) -> None: ...
    async def obtain_certificate(
        self,
        *,
        rut: str,
        correo: str,
        numeroDocumento: str,
        claveCertificado: str,
        duracion: int,
        nombreEmpresa: str,
        comuna: str,
        direccion: str,
        giroEmpresa: str,
        save_to: Optional[PathLike] = ...,
    ) -> Result: ...

class FirmaVirtual(AsyncClient[_firma_virtual.FirmaVirtual]):
    def __init__(
        self,
        *,
        login: str,
        password: str,
        base_url: Optional[str] = ...,
        environment: Optional[str] = ...,
        max_upload_bytes: Optional[int] = ...,
        timeout_ms: Optional[int] = ...,
        connect_timeout_ms: Optional[int] = ...,
        ca_file: Optional[PathLike] = ...,
        proxy: Optional[str] = ...,
        user_agent: Optional[str] = ...,
        max_response_bytes: Optional[int] = ...,
        allow_insecure_http: Optional[bool] = ...,
        retries: Optional[Mapping[str, int]] = ...,
        on_progress: Optional[ProgressCallback] = ...,
        on_log: Optional[LogCallback] = ...,
        log_level: int = ...,
        max_concurrency: int = ...,
    ) -> None: ...
    async def login(self) -> Result: ...
    async def get_user(self, *, IDUser: int) -> Result: ...
    async def create_user(
        self,
        *,
        iProfileID: Optional[int] = ...,
        sRUT: Optional[str] = ...,
        sFirstName: Optional[str] = ...,
        sLastName: Optional[str] = ...,
        sEmail: Optional[str] = ...,
        sPhone: Optional[str] = ...,
        sLogin: Optional[str] = ...,
        sPassword: Optional[str] = ...,
        sComments: Optional[str] = ...,
        sUserType: Optional[str] = ...,
    ) -> Result: ...
    async def update_user(
        self,
        *,
        IDUser: int,
        sFirstName: Optional[str] = ...,
        sLastName: Optional[str] = ...,
        sPhone: Optional[str] = ...,
    ) -> Result: ...
    async def reset_password(self, *, login: str) -> Result: ...
    async def new_password(self, *, login: str, password: str, new_password: str) -> Result: ...
    async def get_contract(self, *, IDContract: str) -> Result: ...
    async def create_contract(
        self,
        *,
        sOwnerType: str,
        signers: Sequence[Signer],
        sPaymentStatus: Optional[str] = ...,
        iPaymentService: Optional[int] = ...,
        iContractTypeFeeID: Optional[int] = ...,
        iSignedCount: Optional[int] = ...,
        callback: Optional[str] = ...,
    ) -> Result: ...
    async def list_contract_types(self, *, QTYPE: str, QVALUE: Union[str, int]) -> Result: ...
    async def list_owner_contracts(self, *, IDOwner: int) -> Result: ...
    async def get_contract_detail(self, *, ContractID: str) -> Result: ...
    async def delete_contract(self, *, IDContract: str) -> Result: ...
    async def upload_document(
        self, *, contractID: str, file_path: Optional[PathLike] = ..., content_base64: Optional[str] = ...
    ) -> Result: ...
    async def list_files(self, *, ContractID: str) -> Result: ...
    async def sort_files(self, *, contractID: str, file_order: Sequence[Mapping[str, Any]]) -> Result: ...
    async def merge_files(self, *, ContractID: str) -> Result: ...
    async def send_contract(self, *, IDContract: str) -> Result: ...
    async def create_signer(
        self,
        *,
        contractID: str,
        full_name: Optional[str] = ...,
        email: Optional[str] = ...,
        rutId: Optional[str] = ...,
        phone: Optional[str] = ...,
    ) -> Result: ...
    async def update_signer(
        self,
        *,
        contractID: str,
        full_name: Optional[str] = ...,
        email: Optional[str] = ...,
        rutId: Optional[str] = ...,
        phone: Optional[str] = ...,
    ) -> Result: ...
    async def delete_signer(self, *, contractID: str, rutId: str) -> Result: ...
    async def create_contract_express(
        self,
        *,
        sOwnerType: str,
        iContractTypeFeeID: int,
        signers: Sequence[Signer],
        file_path: Optional[PathLike] = ...,
        content_base64: Optional[str] = ...,
        iSignedCount: Optional[int] = ...,
        sContractName: Optional[str] = ...,
        callback: Optional[str] = ...,
        iAgreementId: Optional[int] = ...,
        iPriceId: Optional[int] = ...,
        provider: Optional[str] = ...,
    ) -> Result: ...
    async def confirm_callback(self, body: CallbackBody) -> Result: ...

class CFDI(AsyncClient[_cfdi.CFDI]):
    def __init__(
        self,
        *,
        usuario: str,
        password: str,
        contrato: Optional[str] = ...,
        base_url: Optional[str] = ...,
        environment: Optional[str] = ...,
        timeout_ms: Optional[int] = ...,
        connect_timeout_ms: Optional[int] = ...,
        ca_file: Optional[PathLike] = ...,
        proxy: Optional[str] = ...,
        user_agent: Optional[str] = ...,
        max_response_bytes: Optional[int] = ...,
        allow_insecure_http: Optional[bool] = ...,
        retries: Optional[Mapping[str, int]] = ...,
        on_progress: Optional[ProgressCallback] = ...,
        on_log: Optional[LogCallback] = ...,
        log_level: int = ...,
        max_concurrency: int = ...,
    ) -> None: ...
    async def process_file(
        self,
        *,
        datos: Optional[str] = ...,
        datos_path: Optional[PathLike] = ...,
        datos_base64: Optional[str] = ...,
        prueba: Optional[bool] = ...,
        opciones: Optional[Sequence[str]] = ...,
        opciones_base64: Optional[bool] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
    ) -> Result: ...
    async def process_file_with_csd(
        self,
        *,
        datos: Optional[str] = ...,
        datos_path: Optional[PathLike] = ...,
        datos_base64: Optional[str] = ...,
        prueba: Optional[bool] = ...,
        opciones: Optional[Sequence[str]] = ...,
        opciones_base64: Optional[bool] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
        cert_path: Optional[PathLike] = ...,
        certBase64: Optional[str] = ...,
        key_path: Optional[PathLike] = ...,
        keyBase64: Optional[str] = ...,
        keyPass: Optional[str] = ...,
    ) -> Result: ...
    async def cancel(
        self,
        *,
        rfcEmisor: str,
        uuids: Sequence[UuidEntry],
        cert_path: Optional[PathLike] = ...,
        certBase64: Optional[str] = ...,
        key_path: Optional[PathLike] = ...,
        keyBase64: Optional[str] = ...,
        keyPass: Optional[str] = ...,
        opciones: Optional[Sequence[str]] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
    ) -> Result: ...
    async def get_cancellation_receipt(
        self,
        *,
        uuid: str,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
    ) -> Result: ...
    async def get_by_uuid(
        self,
        *,
        uuid: str,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
    ) -> Result: ...
    async def process_files(
        self, *, items: Sequence[Mapping[str, Any]], concurrency: Optional[int] = ..., operation: Optional[str] = ...
    ) -> Result: ...
    async def stamp_xml(
        self,
        *,
        xml: Optional[str] = ...,
        xml_path: Optional[PathLike] = ...,
        xml_base64: Optional[str] = ...,
        prueba: Optional[bool] = ...,
        opciones: Optional[Sequence[str]] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
    ) -> Result: ...
    async def stamp_xml_with_csd(
        self,
        *,
        xml: Optional[str] = ...,
        xml_path: Optional[PathLike] = ...,
        xml_base64: Optional[str] = ...,
        prueba: Optional[bool] = ...,
        opciones: Optional[Sequence[str]] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
        include_xml: Optional[bool] = ...,
        cert_path: Optional[PathLike] = ...,
        certBase64: Optional[str] = ...,
        key_path: Optional[PathLike] = ...,
        keyBase64: Optional[str] = ...,
        keyPass: Optional[str] = ...,
    ) -> Result: ...
    async def cancel_with_reason(
        self,
        *,
        rfcEmisor: str,
        uuids: Sequence[UuidEntry],
        cert_path: Optional[PathLike] = ...,
        certBase64: Optional[str] = ...,
        key_path: Optional[PathLike] = ...,
        keyBase64: Optional[str] = ...,
        keyPass: Optional[str] = ...,
        opciones: Optional[Sequence[str]] = ...,
        contrato: Optional[str] = ...,
        save_dir: Optional[PathLike] = ...,
    ) -> Result: ...
    async def get_status(
        self,
        *,
        uuid: str,
        rfcEmisor: str,
        rfcReceptor: str,
        total: Union[str, int, float],
        opciones: Optional[Sequence[str]] = ...,
        contrato: Optional[str] = ...,
    ) -> Result: ...
