"""The `sello` command's root: global options, the shared state, error handling and exit codes.
The subcommands are in _local.py (rut, comuna, rfc, csd), _fes.py, _fv.py and _cfdi.py."""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence, TypeVar, cast

import click

from .. import __version__
from .._client import Client
from .._lib import LibraryError
from ..errors import SelloError
from ..result import Result
from . import _config, _exit
from ._output import Output

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    """What the subcommands share: the global options, the configuration, the output."""

    config_path: Optional[Path] = None
    json_mode: bool = False
    _output: Optional[Output] = None
    _config_file: Optional[_config.ConfigFile] = None
    _clients: Dict[str, Client] = field(default_factory=dict)

    @property
    def output(self) -> Output:
        if self._output is None:
            self._output = Output(self.json_mode)
        return self._output

    def config_file(self) -> _config.ConfigFile:
        if self._config_file is None:
            self._config_file = _config.load_file(self.config_path)
        return self._config_file

    def client(self, service: str) -> Any:
        """The service's client (made once), from the configuration file and the environment."""
        if service not in self._clients:
            self._clients[service] = _config.make_client(service, self.config_file())
        return self._clients[service]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(State).json_mode = True


#: --json on every subcommand too: `sello rut check X --json` as well as `sello --json rut check X`.
json_option = click.option(
    "--json",
    "json_flag",
    is_flag=True,
    expose_value=False,
    callback=_set_json,
    is_eager=True,
    help="Print the raw envelope(s) as JSON, one per line.",
)


def handled(function: F) -> F:
    """Makes a subcommand's SelloError its output and exit code (the envelope on stdout with
    --json; the error on stderr in any case); the subcommand returns its exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        state = click.get_current_context().ensure_object(State)
        try:
            code = function(*args, **kwargs)
        except SelloError as error:
            if state.json_mode:
                state.output.envelope(error.envelope)
            state.output.error(error)
            return _exit.for_kind(error.kind)
        except KeyboardInterrupt as interrupt:  # run() says "interrupted" and exits 130
            show_interrupted_outcome(state, interrupt)
            raise
        finally:
            state.close()
        return int(code or 0)

    return cast(F, wrapper)


def show_interrupted_outcome(state: State, interrupt: BaseException) -> None:
    """Ctrl-C came while a call ran, and the call went on to its end: the binding put its outcome
    on the interrupt (``sello_outcome``). With --json it is printed, marked "interrupted"; else
    stderr says how the call ended. (fes obtain shows its certificate itself: _fes.py.)"""
    outcome = getattr(interrupt, "sello_outcome", None)
    if not isinstance(outcome, (Result, SelloError)):
        return
    if state.json_mode:
        state.output.envelope({**outcome.envelope, "interrupted": True})
    if isinstance(outcome, SelloError):
        state.output.error(outcome)
        return
    meta = outcome.meta
    state.output.note(f"sello: {meta.get('service')}.{meta.get('operation')} had ended (ok) before the Ctrl-C")
    state.output.warnings(outcome.warnings)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .. import library_path, version

    try:
        library = f"libsello {version()} ({library_path()})"
    except LibraryError as exc:
        library = f"libsello not loaded: {exc}"
    click.echo(f"sello {__version__}; {library}")
    ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}, epilog=_exit.HELP)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (TOML, or JSON when it ends in .json). Default: $SELLO_CONFIG, "
    "else ~/.config/sello/config.toml when it exists. See `sello config --help`.",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log the library's lines (requests, answers, retries; secrets masked) on stderr. -vv asks for its "
    "DEBUG lines too, but this libsello writes none: today -vv prints what -v prints.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the versions of sello and of the loaded libsello, and exit.",
)
@json_option
@click.pass_context
def cli(ctx: click.Context, config_path: Optional[Path], verbose: int) -> None:
    """sello: FES and Firma Virtual (Chile), Prodigia CFDI (Mexico), and local checks, from the
    command line, through libsello.

    \b
    Local checks (nothing is sent):  sello rut check, sello comuna, sello rfc check, sello csd inspect
    FES (Certificadora del Sur):     sello fes obtain
    Firma Virtual (read):            sello fv get-user, get-contract, contract-detail, owner-contracts,
                                     contract-types, list-files
    Prodigia CFDI:                   sello cfdi stamp-xml, status, cancel, get-by-uuid,
                                     cancellation-receipt, process-file

    Credentials and connection settings come from a configuration file or the environment
    (SELLO_FES_USUARIO, SELLO_FES_CLAVE, ...: `sello config --help`), secrets never from the
    command line. Results are tables; --json prints the library's envelopes.
    """
    state = ctx.ensure_object(State)
    state.config_path = config_path
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        logger = logging.getLogger("sello")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


@cli.group("config")
def config_group() -> None:
    """Where the command's settings come from.

    \b
    The file: --config FILE, else $SELLO_CONFIG, else ~/.config/sello/config.toml
    ($XDG_CONFIG_HOME/sello/config.toml) when it exists; TOML, or JSON for a .json file:

    \b
        [fes]
        usuario = "PruebaWS"
        clave_file = "/etc/sello/fes-clave"    # relative paths: to the file's folder
        [fv]
        login = "userapp"
        password_file = "fv-password"
        [cfdi]
        usuario = "pade_user"
        password_file = "cfdi-password"
        contrato = "PADE-CONTRATO-01"
        timeout_ms = 30000
        retries = { max = 1 }

    A secret (clave, password) written in the file itself is accepted only when no other user can
    read the file (chmod 600).

    \b
    The environment wins over the file: SELLO_<SERVICE>_<KEY> for every key, e.g.
      SELLO_FES_USUARIO, SELLO_FES_CLAVE or SELLO_FES_CLAVE_FILE, SELLO_FES_BASE_URL,
      SELLO_FV_LOGIN, SELLO_FV_PASSWORD or SELLO_FV_PASSWORD_FILE, SELLO_FV_BASE_URL,
      SELLO_CFDI_USUARIO, SELLO_CFDI_PASSWORD or SELLO_CFDI_PASSWORD_FILE, SELLO_CFDI_CONTRATO,
      SELLO_CFDI_BASE_URL, SELLO_<SERVICE>_TIMEOUT_MS, _CONNECT_TIMEOUT_MS, _CA_FILE, _PROXY,
      _USER_AGENT, _MAX_RESPONSE_BYTES, _ALLOW_INSECURE_HTTP (1/0), _RETRIES (JSON),
      _ENVIRONMENT, _ALLOW_TLS_KEY_LOG (1/0), _FALLBACK_CA_FILE, SELLO_FV_MAX_UPLOAD_BYTES.
    Secrets of a request: SELLO_FES_CLAVE_CERTIFICADO (sello fes obtain), SELLO_CSD_PASSWORD
    (sello csd inspect), or a file given with the command's --...-file option.
    """


@config_group.command("show")
@click.argument("services", nargs=-1, type=click.Choice(list(_config.SERVICES)))
@json_option
@click.pass_obj
@handled
def config_show(state: State, services: Sequence[str]) -> int:
    """The settings of each service's client and where each comes from (secrets are not shown)."""
    config_file = state.config_file()
    chosen = services or tuple(_config.SERVICES)
    if state.json_mode:
        for service in chosen:
            state.output.envelope(
                {
                    "service": service,
                    "config_file": str(config_file.path) if config_file.path else None,
                    "settings": {
                        key: {"value": value, "source": source}
                        for key, value, source in _config.describe(service, config_file)
                    },
                }
            )
        return _exit.OK
    state.output.line(f"configuration file: {config_file.path or f'none ({_config.default_path()} does not exist)'}")
    for service in chosen:
        state.output.table(service, ["key", "value", "from"], _config.describe(service, config_file))
    return _exit.OK


def run(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command line; returns the exit code."""
    from . import _cfdi, _fes, _fv, _local  # noqa: F401  (they add their subcommands to cli)

    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="sello", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        sys.stderr.write("sello: interrupted\n")
        return _exit.INTERRUPTED
    except LibraryError as exc:
        sys.stderr.write(f"sello: {exc}\n")
        return _exit.INTERNAL
    except SelloError as exc:  # outside a subcommand (e.g. a client's configuration)
        sys.stderr.write(f"error: {exc}\n")
        return _exit.for_kind(exc.kind)
    return result if isinstance(result, int) else _exit.OK
