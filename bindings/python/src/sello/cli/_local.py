"""Local checks, nothing is sent: sello rut check, sello comuna, sello rfc check, sello csd inspect."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import click

from .. import cfdi_inspect_csd, check_rfc, check_rut, find_comuna
from ..errors import SelloError
from ..result import Result
from . import _exit
from ._app import State, cli, handled, json_option
from ._config import read_secret_file

Outcome = Union[Result, SelloError]


def attempt(function: Callable[..., Result], *args: Any, **kwargs: Any) -> Outcome:
    try:
        return function(*args, **kwargs)
    except SelloError as error:
        return error


def report_many(
    state: State, title: str, inputs: Sequence[str], outcomes: Sequence[Outcome], columns: Sequence[str]
) -> int:
    """One row per input (its result's columns, or the error); the exit code of the first error."""
    if state.json_mode:
        for outcome in outcomes:
            state.output.envelope(outcome.envelope)
    else:
        rows: List[Tuple[str, ...]] = []
        for given, outcome in zip(inputs, outcomes):
            if isinstance(outcome, Result):
                data = outcome.data if isinstance(outcome.data, dict) else {}
                rows.append((given, *(_text(data.get(c)) for c in columns), ", ".join(outcome.warning_codes())))
            else:
                rows.append((given, *([""] * len(columns)), outcome.code))
        state.output.table(title, ["input", *columns, "notes"], rows)
    for given, outcome in zip(inputs, outcomes):
        if isinstance(outcome, SelloError):
            state.output.error(outcome, prefix=f"{given}: ")
        else:
            state.output.warnings(outcome.warnings, prefix=f"{given}: ")
    failed = [o for o in outcomes if isinstance(o, SelloError)]
    return _exit.for_kind(failed[0].kind) if failed else _exit.OK


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@cli.group("rut")
def rut_group() -> None:
    """Chilean RUTs (local check: nothing is sent)."""


@rut_group.command("check")
@click.argument("ruts", nargs=-1, required=True, metavar="RUT...")
@json_option
@click.pass_obj
@handled
def rut_check(state: State, ruts: Sequence[str]) -> int:
    """Validates and normalises RUTs: 12.345.678-5, 12345678-5, 123456785 (sello_check_rut).
    An invalid RUT is exit code 3."""
    outcomes = [attempt(check_rut, rut) for rut in ruts]
    return report_many(state, "RUT", ruts, outcomes, ["valid", "normalized", "formatted", "check_digit"])


@cli.command("comuna")
@click.argument("name", nargs=-1, required=True, metavar="NAME...")
@json_option
@click.pass_obj
@handled
def comuna(state: State, name: Sequence[str]) -> int:
    """Finds a Chilean comuna by name, ignoring case and accents (sello_find_comuna):
    `sello comuna los angeles`. Not found: exit code 3, with suggestions."""
    result = find_comuna(" ".join(name))
    if state.json_mode:
        state.output.envelope(result.envelope)
    else:
        state.output.fields("comuna", result.data)
    return _exit.OK


@cli.group("rfc")
def rfc_group() -> None:
    """Mexican RFCs (local check: nothing is sent)."""


@rfc_group.command("check")
@click.argument("rfcs", nargs=-1, required=True, metavar="RFC...")
@json_option
@click.pass_obj
@handled
def rfc_check(state: State, rfcs: Sequence[str]) -> int:
    """Checks RFCs: format, embedded date, check digit (sello_check_rfc). A wrong check digit is a
    note (real RFCs with one exist); a malformed RFC is exit code 3."""
    outcomes = [attempt(check_rfc, rfc) for rfc in rfcs]
    return report_many(state, "RFC", rfcs, outcomes, ["valid", "type", "date", "check_digit_ok", "generic"])


def csd_password(password_file: Optional[Path]) -> str:
    """A CSD key's password: from --password-file, else $SELLO_CSD_PASSWORD (never the command line)."""
    if password_file is not None:
        return read_secret_file(password_file, "the key's password")
    if os.environ.get("SELLO_CSD_PASSWORD"):
        return os.environ["SELLO_CSD_PASSWORD"]
    raise click.UsageError("the key needs its password: --password-file FILE or $SELLO_CSD_PASSWORD")


@cli.group("csd")
def csd_group() -> None:
    """SAT CSD certificates (local: nothing is sent)."""


@csd_group.command("inspect")
@click.argument("cer", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("key", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the .key's password (else $SELLO_CSD_PASSWORD).",
)
@json_option
@click.pass_obj
@handled
def csd_inspect(state: State, cer: Path, key: Optional[Path], password_file: Optional[Path]) -> int:
    """Inspects a CSD: RFC, name, certificate number, validity, whether it is a CSD (not a FIEL),
    and with KEY whether the key opens with its password and matches (cfdi_inspect_csd). An
    expired certificate or a FIEL is shown, not an error."""
    password: Optional[str] = None
    if key is not None:
        password = csd_password(password_file)
    elif password_file is not None:
        raise click.UsageError("--password-file is the password of KEY: give KEY too")
    result = cfdi_inspect_csd(cert_path=cer, key_path=key, keyPass=password)
    if state.json_mode:
        state.output.envelope(result.envelope)
        return _exit.OK
    data = result.data
    state.output.fields(f"CSD {cer}", data)
    if data.get("expired"):
        state.output.note(f"the certificate expired on {data.get('not_after')}", style="bold red")
    if data.get("is_csd") is False:
        state.output.note("this is not a CSD (a FIEL?): it cannot seal CFDI", style="bold red")
    if data.get("key_matches") is False:
        state.output.note("the key is not this certificate's", style="bold red")
    return _exit.OK
