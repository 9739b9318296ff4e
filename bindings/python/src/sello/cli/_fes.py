"""sello fes obtain: issues a certificate with Certificadora del Sur (fes_obtain_certificate)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import click

from .. import fes_check_request
from ..result import Result
from . import _config, _exit, _keep
from ._app import State, cli, handled, json_option
from ._config import read_secret_file

#: option -> request field (fes_obtain_certificate), in the order of the service's documentation
FIELDS = (
    ("rut", "rut", "The holder's RUT (12.345.678-5)."),
    ("correo", "correo", "The holder's e-mail."),
    ("numero_documento", "numeroDocumento", "The ID card's serial number (100.123.456 or A012345678)."),
    ("duracion", "duracion", "Validity in years: 1, 2 or 3."),
    ("nombre_empresa", "nombreEmpresa", "Company name."),
    ("comuna", "comuna", "The company's comuna (sent with its official name)."),
    ("direccion", "direccion", "The company's address."),
    ("giro_empresa", "giroEmpresa", "The company's line of business."),
)
SECRET_ENV = _config.FES_CERTIFICATE_PASSWORD_ENV


@cli.group("fes")
def fes_group() -> None:
    """FES, Certificadora del Sur (Chile): digital certificates for SII tax documents.

    The client's settings: [fes] in the configuration file, or SELLO_FES_USUARIO,
    SELLO_FES_CLAVE / SELLO_FES_CLAVE_FILE, SELLO_FES_BASE_URL... (`sello config --help`)."""


def _options(function: Any) -> Any:
    for option, _field, help_text in reversed(FIELDS):
        kind = int if option == "duracion" else str
        function = click.option(f"--{option.replace('_', '-')}", option, type=kind, help=help_text)(function)
    return function


@fes_group.command("obtain")
@_options
@click.option(
    "--clave-certificado-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"File holding the password that will protect the certificate (else ${SECRET_ENV}).",
)
@click.option(
    "--save-to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the certificate (PKCS#12, mode 600). Required unless --json or --dry-run. "
    "If it cannot be written once issued: a new fes-<RUT>-<UTC time>.p12 here or in the temporary "
    "directory, exit code 7.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check the request and show it as it would be sent (secrets masked); send nothing."
)
@json_option
@click.pass_obj
@handled
def fes_obtain(
    state: State, /, clave_certificado_file: Optional[Path], save_to: Optional[Path], dry_run: bool, **options: Any
) -> int:
    """Issues a digital certificate (obtenerCertificado). Never sent twice: it spends one unit of
    the company's quota. Every problem of the request is reported at once, before anything is
    sent (exit code 3).

    A certificate issued but not saved at --save-to (its folder removed meanwhile, a full disk...)
    is never lost: it goes to a new file (mode 600, never replacing one) in the current directory,
    else in the system's temporary directory, and stderr says where:

    \b
        fes-<RUT>-<UTC time>.p12      e.g. fes-19371037-9-20260301T120000Z.p12

    When no file can be written, its base64 is printed on stdout (with --json: it is in the
    envelope). Either way the exit code is 7 (kind io); after a Ctrl-C while FES answers, 130.

    \b
    sello fes obtain --rut 19.371.037-9 --correo ana@empresa.cl --numero-documento 100123456 \\
        --duracion 1 --nombre-empresa "Empresa SpA" --comuna "Viña del Mar" \\
        --direccion "Av. Libertad 1" --giro-empresa Servicios \\
        --clave-certificado-file clave.txt --save-to cert.p12
    """
    request: Dict[str, Any] = {field: options[option] for option, field, _ in FIELDS}
    _add_password(request, clave_certificado_file, dry_run)
    if save_to is not None:
        request["save_to"] = str(save_to)
    if dry_run:
        checked = fes_check_request(**request)
        if state.json_mode:
            state.output.envelope(checked.envelope)
        else:
            state.output.fields("the request as it would be sent (nothing was sent)", checked.data)
        return _exit.OK
    if save_to is None and not state.json_mode:
        raise click.UsageError(
            "a certificate is issued once and spends quota: give --save-to FILE to keep it "
            "(or --json to receive it in the envelope)"
        )
    return _obtain(state, request, save_to)


def _add_password(request: Dict[str, Any], clave_certificado_file: Optional[Path], dry_run: bool) -> None:
    if clave_certificado_file is not None:
        request["claveCertificado"] = read_secret_file(clave_certificado_file, "the certificate's password")
    elif os.environ.get(SECRET_ENV):
        request["claveCertificado"] = os.environ[SECRET_ENV]
    elif not dry_run:
        raise click.UsageError(f"the certificate's password: --clave-certificado-file FILE or ${SECRET_ENV}")


def _obtain(state: State, request: Dict[str, Any], save_to: Optional[Path]) -> int:
    """Sends the request; a certificate not saved at save_to (WRITE_FAILED, no saved_to) is written
    to a fallback file (cli/_keep.py), else printed; shows the answer; exit code 7 when not saved."""
    directories = _keep.fallback_directories() if save_to is not None else []
    try:
        result = state.client("fes").obtain_certificate(**request)
    except KeyboardInterrupt as interrupt:  # Ctrl-C while FES answered: the certificate is issued
        outcome = getattr(interrupt, "sello_outcome", None)
        if not isinstance(outcome, Result):
            raise
        _show(state, request, save_to, outcome, directories, interrupted=True)  # kept and shown
        raise KeyboardInterrupt from None  # shown: run() says "interrupted" and exits 130
    return _show(state, request, save_to, result, directories)


def _show(
    state: State,
    request: Dict[str, Any],
    save_to: Optional[Path],
    result: Result,
    directories: List[Path],
    interrupted: bool = False,
) -> int:
    """Shows the issued certificate (with --json, its envelope, marked "interrupted" after a
    Ctrl-C); one not saved at save_to goes to a fallback file, and the exit code is then 7."""
    kept = None
    if save_to is not None and not result.data.get("saved_to"):
        kept = _keep.keep_base64(
            result.data.get("certificado"), directories, _keep.fallback_stem("fes", request["rut"]), ".p12"
        )
    if state.json_mode:
        envelope = _saved_left_out(dict(result.envelope))
        state.output.envelope({**envelope, "interrupted": True} if interrupted else envelope)
    else:
        if kept is not None and kept.path is None and result.data.get("certificado"):
            sys.stdout.write(f"{result.data['certificado']}\n")  # the last resort, before anything else
            sys.stdout.flush()
        state.output.fields("certificate", result.data)
    state.output.warnings(result.warnings)
    if kept is None:
        return _exit.OK
    _say_where(state, save_to, kept)
    return _exit.IO


def _saved_left_out(envelope: Dict[str, Any]) -> Dict[str, Any]:
    """A certificate saved at --save-to is not printed, with --json either (stdout goes to logs and
    terminals; the file has mode 600): data.certificado gives way to a note."""
    data = envelope.get("data")
    if not isinstance(data, dict) or not data.get("saved_to") or "certificado" not in data:
        return envelope
    rest = {key: value for key, value in data.items() if key != "certificado"}
    rest["certificado_not_printed"] = "the certificate is in the file named by saved_to"
    return {**envelope, "data": rest}


def _say_where(state: State, save_to: Optional[Path], kept: _keep.Kept) -> None:
    """stderr: where the certificate that could not be saved at --save-to is."""
    lost = f"sello: the certificate was issued but not saved at {save_to}; FES does not issue it again"
    if kept.path is not None:
        state.output.note(f"{lost}: it was written to {kept.path} (PKCS#12, mode 600) instead; move it now", "bold red")
        return
    where = "it is in the envelope on stdout (data.certificado)" if state.json_mode else "its base64 is on stdout"
    state.output.note(
        f"{lost}: it could not be written anywhere else either ({'; '.join(kept.failures)}); "
        f"{where}: decode it into a .p12 file and store it now",
        "bold red",
    )
