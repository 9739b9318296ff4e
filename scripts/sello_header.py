#!/usr/bin/env python3
"""include/sello.h read as data: the one list of functions and the version and ABI numbers.

Everything else that lists sello's functions or repeats its version is generated from this
(scripts/generate.py: the Python and PHP operation tables, the fuzz target's entries) or checked
against it by a test (docs/reference.md, the bindings' typed methods, the CLI, the fuzz seeds, the
packaging). docs/internals.md lists them all.

Each prototype must have one of the shapes below, found from its name and its parameter types
(PREFIX is a service: fes, fv, cfdi, from `typedef struct PREFIX_client PREFIX_client;`):

    common        sello_version, sello_abi_version, sello_free (declared by hand in each binding)
    helper        char *NAME(const char *request_json)                      no client
    client_new    PREFIX_client *PREFIX_client_new(const char *config_json, char **error_json)
    client_free   void PREFIX_client_free(PREFIX_client *client)
    set_progress  void PREFIX_client_set_progress(PREFIX_client *, sello_progress_fn, void *)
    set_log       void PREFIX_client_set_log(PREFIX_client *, sello_log_fn, void *, int)
    cancel        char *PREFIX_client_cancel(PREFIX_client *, const char *call_id)
    operation     char *PREFIX_OPERATION(PREFIX_client *client, const char *request_json)

A prototype of any other shape is an error naming it: the bindings would not know how to call it.

    python3 scripts/sello_header.py version       # 0.1.0
    python3 scripts/sello_header.py major         # 0
    python3 scripts/sello_header.py abi           # 1
    python3 scripts/sello_header.py functions [KIND]
"""

from __future__ import annotations

import hashlib
import pathlib
import re
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
HEADER = ROOT / "include" / "sello.h"

#: The functions every binding declares by hand, with their exact prototypes.
COMMON = {
    "sello_version": ("const char *", ()),
    "sello_abi_version": ("int", ()),
    "sello_free": ("void", ("char *",)),
}
#: The kinds of function the fuzz target calls with its input (the others take no text).
FUZZED_KINDS = ("helper", "operation", "cancel", "client_new")
KINDS = ("common", "helper", "client_new", "client_free", "set_progress", "set_log", "cancel", "operation")
#: The client's lifecycle functions: kind -> name suffix after PREFIX_.
LIFECYCLE = {
    "client_new": "client_new",
    "client_free": "client_free",
    "set_progress": "client_set_progress",
    "set_log": "client_set_log",
    "cancel": "client_cancel",
}


class HeaderError(ValueError):
    """include/sello.h has something its readers cannot place; the message says what and where."""


@dataclass(frozen=True)
class Function:
    name: str  # the C name: fv_get_user
    kind: str  # one of KINDS
    prefix: str  # sello, fes, fv or cfdi
    operation: str  # the name without its prefix: get_user (meta.operation)
    returns: str  # "char *"
    parameters: Tuple[str, ...]  # the types: ("fv_client *", "const char *")
    line: int  # where it is declared (1-based)

    @property
    def prototype(self) -> str:
        space = "" if self.returns.endswith("*") else " "
        return f"{self.returns}{space}{self.name}({', '.join(self.parameters) or 'void'})"


@dataclass(frozen=True)
class Header:
    path: pathlib.Path
    version_parts: Tuple[int, int, int]
    abi: int
    services: Tuple[str, ...]  # in the header's order: ("fes", "fv", "cfdi")
    functions: Tuple[Function, ...]  # in the header's order
    batch_operations: Tuple[str, ...]  # cfdi_process_files' "operation" values, as documented

    @property
    def version(self) -> str:
        return ".".join(str(part) for part in self.version_parts)

    @property
    def major(self) -> int:
        return self.version_parts[0]

    def names(self, *kinds: str) -> List[str]:
        return [f.name for f in self.functions if not kinds or f.kind in kinds]

    def function(self, name: str) -> Function:
        for function in self.functions:
            if function.name == name:
                return function
        raise KeyError(name)

    def operations(self, service: str) -> Dict[str, str]:
        """Operation name -> C function, for one service's client, in the header's order."""
        return {f.operation: f.name for f in self.functions if f.kind == "operation" and f.prefix == service}

    def lifecycle(self, service: str) -> Dict[str, str]:
        """Kind (client_new, client_free, set_progress, set_log, cancel) -> C function."""
        return {kind: f"{service}_{suffix}" for kind, suffix in LIFECYCLE.items()}


def fuzz_selector(name: str) -> int:
    """The fuzz_requests selector of a function: the first two bytes of SHA-256 of its name. A
    function keeps its selector whatever is added, so seeds never move to another function."""
    return int.from_bytes(hashlib.sha256(name.encode("ascii")).digest()[:2], "big")


def _strip(text: str) -> str:
    """Comments and preprocessor lines blanked out, line numbers kept."""

    def blank(match: "re.Match[str]") -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    text = re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)
    return re.sub(r"^[ \t]*#[^\n]*(?:\\\n[^\n]*)*", blank, text, flags=re.M)


def _define(text: str, name: str, path: pathlib.Path) -> int:
    match = re.search(rf"^[ \t]*#[ \t]*define[ \t]+{name}[ \t]+([0-9]+)[ \t]*$", text, flags=re.M)
    if not match:
        raise HeaderError(f"{path}: no `#define {name} <number>`")
    return int(match.group(1))


def _type_of(declaration: str, named: bool = True) -> str:
    """'const char *request_json' -> 'const char *'; 'char **error_json' -> 'char **';
    'sello_log_fn fn' -> 'sello_log_fn' (named=False: a return type, nothing to drop)."""
    tokens = re.findall(r"[A-Za-z_]\w*|\*", declaration)
    words = [t for t in tokens if t != "*"]
    if named and len(words) > 1 and tokens[-1] != "*":
        tokens = tokens[:-1]
        words = words[:-1]
    stars = tokens.count("*")
    return " ".join(words) + (" " + "*" * stars if stars else "")


def _parameter_names(parameters: str) -> List[str]:
    names = []
    for parameter in parameters.split(","):
        match = re.search(r"([A-Za-z_]\w*)\s*$", parameter.strip())
        names.append(match.group(1) if match else "")
    return names


def _shape(
    name: str, returns: str, types: Tuple[str, ...], names: List[str], services: Sequence[str]
) -> Tuple[str, str, str]:
    """(kind, prefix, operation) of a prototype, or HeaderError."""
    if name in COMMON:
        if COMMON[name] != (returns, types):
            expected = COMMON[name]
            raise HeaderError(f"{name} must be `{expected[0]} {name}({', '.join(expected[1]) or 'void'})`")
        return "common", "sello", name[len("sello_") :]
    prefix = name.split("_", 1)[0]
    operation = name[len(prefix) + 1 :]
    if prefix == "sello" or prefix in services:
        client = f"{prefix}_client *"
        if returns == "char *" and types == ("const char *",) and names[-1:] == ["request_json"]:
            return "helper", prefix, operation
        shapes = {
            "client_new": (client, ("const char *", "char **")),
            "client_free": ("void", (client,)),
            "set_progress": ("void", (client, "sello_progress_fn", "void *")),
            "set_log": ("void", (client, "sello_log_fn", "void *", "int")),
            "cancel": ("char *", (client, "const char *")),
        }
        for kind, (shape_returns, shape_types) in shapes.items():
            if operation == LIFECYCLE[kind]:
                if (returns, types) != (shape_returns, shape_types):
                    raise HeaderError(f"{name} must be `{shape_returns} {name}({', '.join(shape_types)})`")
                return kind, prefix, operation
        if operation.startswith("client_"):
            lifecycle = ", ".join(LIFECYCLE.values())
            raise HeaderError(f"{name}: PREFIX_client_* names are the client's lifecycle ({lifecycle})")
        if returns == "char *" and types == (client, "const char *") and names[-1:] == ["request_json"]:
            return "operation", prefix, operation
    raise HeaderError(
        f"{name}: `{returns} {name}({', '.join(types)})` has none of the shapes the bindings know "
        f"(an operation is `char *PREFIX_NAME(PREFIX_client *client, const char *request_json)`, a local "
        f"helper `char *NAME(const char *request_json)`, PREFIX one of sello, {', '.join(services)}); "
        f"a new shape needs scripts/sello_header.py, scripts/generate.py and both bindings taught it"
    )


def _batch_operations(raw: str) -> Tuple[str, ...]:
    """The "operation" values cfdi_process_files documents: `{"operation": "a" (default) | "b" ...`."""
    match = re.search(r"/\*\*((?:(?!\*/).)*?)\*/\s*char\s*\*\s*cfdi_process_files\s*\(", raw, flags=re.S)
    if not match:
        return ()
    comment = re.sub(r"\n\s*\*", " ", match.group(1))
    found = re.search(r'"operation":\s*((?:"[a-z_]+"\s*(?:\(default\))?\s*\|?\s*)+)', comment)
    return tuple(re.findall(r'"([a-z_]+)"', found.group(1))) if found else ()


def parse(text: str, path: pathlib.Path = HEADER) -> Header:
    """Reads a header's text (the real one, or a test's altered copy)."""
    parts = tuple(_define(text, f"SELLO_VERSION_{part}", path) for part in ("MAJOR", "MINOR", "PATCH"))
    abi = _define(text, "SELLO_ABI_VERSION", path)
    code = _strip(text)
    services = tuple(re.findall(r"typedef\s+struct\s+([a-z]+)_client\s+\1_client\s*;", code))
    functions: List[Function] = []
    seen: Dict[str, int] = {}
    for statement in re.finditer(r"[^;{}]+;", code):
        body = " ".join(statement.group(0)[:-1].split())
        if not body or body.startswith("typedef") or "(" not in body:
            continue
        line = code.count("\n", 0, statement.start() + len(statement.group(0)) - len(statement.group(0).lstrip())) + 1
        match = re.fullmatch(
            r"(?P<returns>[A-Za-z_][\w\s]*?\s*\**)\s*(?P<name>[A-Za-z_]\w*)\s*"
            r"\((?P<params>[^()]*)\)",
            body,
        )
        if not match:
            raise HeaderError(f"{path}:{line}: cannot read this declaration: {body}")
        name = match.group("name")
        if name in seen:
            raise HeaderError(f"{path}:{line}: {name} is declared twice (first on line {seen[name]})")
        seen[name] = line
        returns = _type_of(match.group("returns"), named=False)
        params = match.group("params").strip()
        types = () if params in ("", "void") else tuple(_type_of(p) for p in params.split(","))
        try:
            kind, prefix, operation = _shape(name, returns, types, _parameter_names(params), services)
        except HeaderError as error:
            raise HeaderError(f"{path}:{line}: {error}") from None
        functions.append(Function(name, kind, prefix, operation, returns, types, line))
    header = Header(path, parts, abi, services, tuple(functions), _batch_operations(text))
    _check_complete(header)
    return header


def _check_complete(header: Header) -> None:
    names = set(header.names())
    for common in COMMON:
        if common not in names:
            raise HeaderError(f"{header.path}: {common} is not declared")
    for service in header.services:
        for kind, name in header.lifecycle(service).items():
            if name not in names:
                raise HeaderError(
                    f"{header.path}: service {service} has no {name} ({kind}): every client has "
                    f"{', '.join(header.lifecycle(service).values())}"
                )
    unknown = [op for op in header.batch_operations if f"cfdi_{op}" not in names]
    if unknown:
        raise HeaderError(
            f"{header.path}: cfdi_process_files documents operations that are not declared: "
            + ", ".join(f"cfdi_{op}" for op in unknown)
        )


_cache: Optional[Header] = None


def read(path: Optional[pathlib.Path] = None) -> Header:
    """include/sello.h (or another header) parsed; the real one is read once per process."""
    global _cache
    if path is not None and pathlib.Path(path).resolve() != HEADER:
        return parse(pathlib.Path(path).read_text(encoding="utf-8"), pathlib.Path(path))
    if _cache is None:
        _cache = parse(HEADER.read_text(encoding="utf-8"), HEADER)
    return _cache


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("version", "major", "abi", "functions"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    try:
        header = read()
    except HeaderError as error:
        print(f"sello_header: {error}", file=sys.stderr)
        return 1
    if argv[0] == "version":
        print(header.version)
    elif argv[0] == "major":
        print(header.major)
    elif argv[0] == "abi":
        print(header.abi)
    else:
        print("\n".join(header.names(*argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
