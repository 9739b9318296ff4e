"""The `sello` command's configuration: a TOML (or JSON) file and environment variables.

The file is ``--config FILE``, else ``$SELLO_CONFIG``, else ``$XDG_CONFIG_HOME/sello/config.toml``
(``~/.config/sello/config.toml``) when it exists. A ``.json`` file is read as JSON, anything else
as TOML. One table per service, its keys those of the client's configuration::

    [fes]
    usuario = "PruebaWS"
    clave_file = "/etc/sello/fes-clave"      # the secret in a file of its own (relative: to this file)
    timeout_ms = 30000

    [fv]
    login = "userapp"
    password_file = "fv-password"

    [cfdi]
    usuario = "pade_user"
    password_file = "cfdi-password"
    contrato = "PADE-CONTRATO-01"
    retries = { max = 1 }

A secret (``clave``, ``password``) may also be written in the file itself, but only in a file that
no other user can read (mode 600): sello refuses it otherwise.

Every key can be set (and overridden) in the environment as ``SELLO_<SERVICE>_<KEY>``: for example
``SELLO_FES_USUARIO``, ``SELLO_FES_CLAVE`` or ``SELLO_FES_CLAVE_FILE``, ``SELLO_FES_BASE_URL``,
``SELLO_FV_LOGIN``, ``SELLO_FV_PASSWORD``, ``SELLO_CFDI_USUARIO``, ``SELLO_CFDI_PASSWORD``,
``SELLO_CFDI_CONTRATO``, ``SELLO_CFDI_TIMEOUT_MS``; ``retries`` as JSON
(``SELLO_CFDI_RETRIES='{"max": 0}'``), booleans as 1/0, true/false, yes/no. The environment
wins over the file. Secrets are never taken from the command line.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type

import click

from .. import CFDI, FES, FirmaVirtual
from .._client import Client
from ..errors import SelloError
from . import _exit

#: service -> (client class, the name of its secret configuration key)
SERVICES: Dict[str, Tuple[Type[Client], str]] = {
    "fes": (FES, "clave"),
    "fv": (FirmaVirtual, "password"),
    "cfdi": (CFDI, "password"),
}
#: constructor arguments that are not configuration
_NOT_CONFIG = {"on_progress", "on_log", "log_level", "self"}


#: SELLO_<SERVICE>_* variables a subcommand reads that are no client setting.
FES_CERTIFICATE_PASSWORD_ENV = "SELLO_FES_CLAVE_CERTIFICADO"
_SUBCOMMAND_VARIABLES = {FES_CERTIFICATE_PASSWORD_ENV}


class ConfigError(click.ClickException):
    """A configuration that cannot be used (exit code 2, like a usage error)."""

    exit_code = _exit.USAGE


@dataclass
class Setting:
    value: Any = field(repr=False)  # may be a secret: never in a repr (traceback locals)
    source: str  # "file FILE", "environment NAME", "file NAME_file"...
    secret: bool = False


@dataclass
class ServiceConfig:
    service: str
    settings: Dict[str, Setting] = field(default_factory=dict)

    def client_kwargs(self) -> Dict[str, Any]:
        return {key: setting.value for key, setting in self.settings.items()}


def config_keys(service: str) -> Dict[str, str]:
    """The client's configuration keys and their type: "str", "int", "bool" or "table"."""
    client_class = SERVICES[service][0]
    keys: Dict[str, str] = {}
    for name, parameter in inspect.signature(client_class.__init__).parameters.items():
        if name in _NOT_CONFIG or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        annotation = str(parameter.annotation)
        if "Mapping" in annotation or "Dict" in annotation:
            keys[name] = "table"
        elif "bool" in annotation:
            keys[name] = "bool"
        elif "int" in annotation:
            keys[name] = "int"
        else:
            keys[name] = "str"
    return keys


def environment_name(service: str, key: str) -> str:
    return f"SELLO_{service.upper()}_{key.upper()}"


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sello" / "config.toml"


@dataclass
class ConfigFile:
    path: Optional[Path]
    sections: Dict[str, Dict[str, Any]]
    private: bool  # no other user can read it


def load_file(explicit: Optional[Path]) -> ConfigFile:
    """Reads the configuration file (explicit, $SELLO_CONFIG, or the default when it exists)."""
    path = explicit or (Path(os.environ["SELLO_CONFIG"]) if os.environ.get("SELLO_CONFIG") else None)
    if path is None:
        candidate = default_path()
        if not candidate.exists():
            return ConfigFile(None, {}, True)
        path = candidate
    try:
        raw = path.read_bytes()
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration file {path}: {exc.strerror or exc}") from None
    content = _parse(path, raw)
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: the configuration must be a table (an object) of services")
    unknown = sorted(set(content) - set(SERVICES))
    if unknown:
        raise ConfigError(f"{path}: unknown section {unknown[0]!r}; known: {', '.join(SERVICES)}")
    for name, section in content.items():
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
    private = not (mode & (stat.S_IRWXG | stat.S_IRWXO))
    return ConfigFile(path, content, private)


def _parse(path: Path, raw: bytes) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.9 and 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError(
                f"reading {path} needs the package tomli on Python < 3.11 "
                f"(pip install tomli), or write the configuration as JSON"
            ) from None
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def read_secret_file(path: Path, what: str) -> str:
    """A secret from a file: its text without one trailing line break (nothing else is trimmed)."""
    try:
        # utf-8-sig: a file saved as "UTF-8 with BOM" (Notepad, PowerShell 5's Out-File) starts
        # with U+FEFF, which the library refuses in a credential (a wrong login otherwise).
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read {what} from {path}: {reason}") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise ConfigError(f"{path} ({what}) is empty")
    return text


def service_config(service: str, config_file: ConfigFile) -> ServiceConfig:
    """The configuration of one service's client: the file's table, then the environment."""
    keys = config_keys(service)
    secret = SERVICES[service][1]
    result = ServiceConfig(service)
    section = config_file.sections.get(service, {})
    where = f"{config_file.path} [{service}]"
    for key, value in section.items():
        if key == f"{secret}_file":
            target = Path(str(value)).expanduser()
            if not target.is_absolute() and config_file.path is not None:
                target = config_file.path.parent / target
            result.settings[secret] = Setting(read_secret_file(target, f"{service} {secret}"), f"file {target}", True)
        elif key == secret:
            if not config_file.private:
                raise ConfigError(
                    f"{config_file.path} holds [{service}] {secret} but other users can read it: "
                    f"chmod 600 {config_file.path}, or put the secret in a file of its own ({secret}_file = ...) "
                    f"or in {environment_name(service, secret)}"
                )
            result.settings[secret] = Setting(_typed(str(value), "str", where, key), f"file {config_file.path}", True)
        elif key in keys:
            if not config_file.private and _without_password(str(value)) != str(value):
                raise ConfigError(
                    f"{config_file.path} holds [{service}] {key} with a password in its URL but other users can "
                    f"read it: chmod 600 {config_file.path}, or set it in {environment_name(service, key)}"
                )
            result.settings[key] = Setting(_typed(value, keys[key], where, key), f"file {config_file.path}")
        else:
            raise ConfigError(f"{where}: unknown key {key!r}; known: {', '.join([*keys, secret + '_file'])}")
    for key, kind in keys.items():
        name = environment_name(service, key)
        if key == secret and os.environ.get(name + "_FILE"):
            path = Path(os.environ[name + "_FILE"]).expanduser()
            result.settings[key] = Setting(
                read_secret_file(path, f"{service} {secret}"), f"file {path} ({name}_FILE)", True
            )
        if os.environ.get(name) is not None and os.environ.get(name) != "":
            result.settings[key] = Setting(
                _typed(os.environ[name], kind, "the environment", name), f"environment {name}", key == secret
            )
    _refuse_unknown_variables(service, [*keys, f"{secret}_file"])
    return result


def _refuse_unknown_variables(service: str, keys: List[str]) -> None:
    """A misspelt SELLO_<SERVICE>_<KEY> would be ignored and the default used (for CFDI's base_url,
    production): refused, as an unknown key of the file is."""
    known = {environment_name(service, key) for key in keys} | _SUBCOMMAND_VARIABLES
    prefix = environment_name(service, "")
    for name in sorted(os.environ):
        if name.startswith(prefix) and name not in known and os.environ[name] != "":
            raise ConfigError(
                f"{name} is set, but it is no setting of the {service} client (misspelt? its default would "
                f"apply instead); known: {', '.join(sorted(known))}"
            )


def _typed(value: Any, kind: str, where: str, key: str) -> Any:
    if kind == "table":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ConfigError(f"{where}: {key} must be a JSON object, e.g. '{{\"max\": 1}}'") from None
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {key} must be a table")
        return dict(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")
    if kind == "int":
        if isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be an integer")
        if isinstance(value, float) and not value.is_integer():  # int() would truncate 0.5 to 0 silently
            raise ConfigError(f"{where}: {key} must be a whole number (milliseconds, bytes, a count), got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: {key} must be an integer, got {value!r}") from None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


def make_client(service: str, config_file: ConfigFile) -> Client:
    """A client of ``service`` from the configuration, with a clear error for a missing credential."""
    client_class, secret = SERVICES[service]
    config = service_config(service, config_file)
    required = [
        name
        for name, parameter in inspect.signature(client_class.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    ]
    missing = [key for key in required if key not in config.settings]
    if missing:
        how = [f"{environment_name(service, key)}{'_FILE' if key == secret else ''}" for key in missing]
        raise ConfigError(
            f"the {service} client needs {', '.join(missing)}: set {', '.join(how)} in the environment, "
            f"or [{service}] {', '.join(k + ('_file' if k == secret else '') for k in missing)} in the configuration "
            f"file ({config_file.path or default_path()}); see `sello config --help`"
        )
    try:
        return client_class(**config.client_kwargs())
    except SelloError as error:  # the library refused a setting: a wrong configuration, exit 2
        setting = config.settings.get(str(error.field)) if error.field else None
        where = f", set in the {setting.source}" if setting is not None else ""
        raise ConfigError(f"the {service} client's configuration was refused{where}: {error}") from None


def describe(service: str, config_file: ConfigFile) -> List[Tuple[str, str, str]]:
    """(key, value shown, where it comes from) for `sello config show`: secrets are never shown."""
    config = service_config(service, config_file)
    rows: List[Tuple[str, str, str]] = []
    for key, kind in config_keys(service).items():
        setting = config.settings.get(key)
        if setting is None:
            rows.append((key, "", f"default (set with {environment_name(service, key)})"))
        else:
            shown = (
                "*** (set)" if setting.secret else json.dumps(setting.value) if kind == "table" else str(setting.value)
            )
            rows.append((key, _without_password(shown), setting.source))
    return rows


def _without_password(text: str) -> str:
    """A URL as `config show` prints it: a password in its userinfo (a proxy's, a base URL's:
    http://user:password@host) replaced by ***; any other text as it is."""
    return re.sub(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/?#@:\s]*):[^/?#@\s]*@", r"\g<head>:***@", text)
