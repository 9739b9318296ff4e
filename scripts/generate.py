#!/usr/bin/env python3
"""Writes what is derived from include/sello.h (scripts/sello_header.py reads it):

    bindings/python/src/sello/_abi.py       version, ABI version, the functions per kind, each
                                            client's operation table, and the operations the
                                            library never sends twice (`sent: once` in their
                                            binding blocks: sello.aio's SENT_ONCE) (kept in the
                                            repository)
    bindings/php/src/Abi.php                the same for PHP (kept in the repository)
    Sources/Sello/OperationExports.swift    the C export of every operation (kept)
    the typed methods of each client class  a marked region of bindings/python/src/sello/{fes,
                                            firma_virtual,cfdi}.py and bindings/php/src/{Fes,
                                            FirmaVirtual,Cfdi}.php, from the binding blocks of
                                            docs/reference.md (scripts/binding_methods.py), and
                                            then sello.aio's stub (python3 -m sello.aio._stubgen)
                                            and fuzz/corpus/fuzz_requests (fuzz/make_corpus.py)
    fuzz/Targets/fuzz_requests/Entries.swift  the fuzz target's entry points (--fuzz; written by
                                            scripts/fuzz.sh before each build, not kept)

    python3 scripts/generate.py            # `make generate`: rewrites the kept files
    python3 scripts/generate.py --check    # exit 1 naming each kept file that is out of date
    python3 scripts/generate.py --fuzz     # the fuzz entries

Run it after changing the header (a new operation, a new version) or a binding block of
docs/reference.md; Tests/header checks that the kept files are current.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Callable, Dict, List, Optional, Sequence

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import binding_methods  # noqa: E402
import operation_model  # noqa: E402
import sello_header  # noqa: E402
from sello_header import FUZZED_KINDS, Header, fuzz_selector  # noqa: E402

ROOT = sello_header.ROOT
PYTHON_ABI = ROOT / "bindings" / "python" / "src" / "sello" / "_abi.py"
PHP_ABI = ROOT / "bindings" / "php" / "src" / "Abi.php"
FUZZ_ENTRIES = ROOT / "fuzz" / "Targets" / "fuzz_requests" / "Entries.swift"
SWIFT_EXPORTS = ROOT / "Sources" / "Sello" / "OperationExports.swift"
NOTICE = "Generated from include/sello.h by scripts/generate.py (make generate): do not edit by hand."


def _py_tuple(names: Sequence[str], indent: str = "    ") -> str:
    if not names:
        return "()"
    return "(\n" + "".join(f'{indent}"{name}",\n' for name in names) + ")"


def sent_once(header: Header, model: Dict[str, operation_model.Binding], service: str) -> List[str]:
    """The operations of ``service`` whose binding block says `sent: once`, in the header's order
    (an operation without a block yet is not one: stale_regions names it)."""
    return [
        operation
        for operation, function in header.operations(service).items()
        if function in model and model[function].sent_once
    ]


def render_python(header: Header, model: Optional[Dict[str, operation_model.Binding]] = None) -> str:
    model = operation_model.read() if model is None else model
    lines = [
        '"""What include/sello.h declares, as this binding uses it.',
        "",
        NOTICE,
        "",
        "Each client class takes its operation table (OPERATIONS[service]) and the names of its lifecycle",
        "functions (CLIENT_FUNCTIONS[service]) from here; its typed methods are generated from the binding",
        "blocks of docs/reference.md, and bindings/python/tests/test_operation_table.py checks there is one",
        "per operation. SENT_ONCE comes from the same blocks (their `sent: once`).",
        '"""',
        "from typing import Dict, FrozenSet, Tuple",
        "",
        "#: SELLO_VERSION_MAJOR.MINOR.PATCH (also the distribution's version: pyproject.toml reads it).",
        f'VERSION = "{header.version}"',
        "#: SELLO_ABI_VERSION: the library's sello_abi_version() must be this.",
        f"ABI_VERSION = {header.abi}",
        "#: The services, by function prefix: each has a client.",
        f"SERVICES: Tuple[str, ...] = {_py_tuple(header.services)}",
        "#: char *NAME(const char *request_json): no client.",
        f"HELPER_FUNCTIONS: Tuple[str, ...] = {_py_tuple(header.names('helper'))}",
        "#: Per service: kind (client_new, client_free, set_progress, set_log, cancel) -> C function.",
        "CLIENT_FUNCTIONS: Dict[str, Dict[str, str]] = {",
    ]
    for service in header.services:
        lines.append(f'    "{service}": {{')
        lines += [f'        "{kind}": "{name}",' for kind, name in header.lifecycle(service).items()]
        lines.append("    },")
    lines += [
        "}",
        "#: Per service: operation (as in client.call()) -> C function,",
        "#: char *NAME(PREFIX_client *client, const char *request_json).",
        "OPERATIONS: Dict[str, Dict[str, str]] = {",
    ]
    for service in header.services:
        lines.append(f'    "{service}": {{')
        lines += [f'        "{operation}": "{name}",' for operation, name in header.operations(service).items()]
        lines.append("    },")
    lines += [
        "}",
        '#: The operations cfdi_process_files runs in a batch (its "operation" field).',
        f"BATCH_OPERATIONS: Tuple[str, ...] = {_py_tuple(header.batch_operations)}",
        "#: Per service: the operations (as in OPERATIONS) whose requests the library never sends twice",
        "#: (`sent: once` in their binding blocks of docs/reference.md): a certificate, a stamp, a",
        "#: cancellation, a contract. sello.aio does not cancel such a call once it may have been sent.",
        "SENT_ONCE: Dict[str, FrozenSet[str]] = {",
    ]
    for service in header.services:
        names = sent_once(header, model, service)
        if names:
            lines.append(f'    "{service}": frozenset(')
            lines.append("        {")
            lines += [f'            "{name}",' for name in names]
            lines += ["        }", "    ),"]
        else:
            lines.append(f'    "{service}": frozenset(),')
    lines += ["}", ""]
    return "\n".join(lines)


def _php_list(names: Sequence[str], indent: str) -> str:
    if not names:
        return "[]"
    return "[\n" + "".join(f"{indent}    '{name}',\n" for name in names) + f"{indent}]"


def _php_map(rows: Dict[str, str], indent: str) -> str:
    return "[\n" + "".join(f"{indent}    '{key}' => '{value}',\n" for key, value in rows.items()) + f"{indent}]"


def render_php(header: Header) -> str:
    def per_service(rows: Callable[[str], Dict[str, str]]) -> str:
        body = "".join(f"        '{s}' => {_php_map(rows(s), '        ')},\n" for s in header.services)
        return "[\n" + body + "    ]"

    return "\n".join(
        [
            "<?php",
            "",
            "declare(strict_types=1);",
            "",
            "namespace Sello;",
            "",
            "/**",
            " * What include/sello.h declares, as this binding uses it.",
            f" * {NOTICE}",
            " *",
            " * Each client class takes its operation table (OPERATIONS[service]) and the names of its lifecycle",
            " * functions (CLIENT_FUNCTIONS[service]) from here; its typed methods are generated from the binding",
            " * blocks of docs/reference.md, and tests/OperationTableTest.php checks there is one per operation.",
            " */",
            "final class Abi",
            "{",
            "    /** SELLO_VERSION_MAJOR.MINOR.PATCH. */",
            f"    public const VERSION = '{header.version}';",
            "    /** SELLO_ABI_VERSION: the library's sello_abi_version() must be this. */",
            f"    public const ABI_VERSION = {header.abi};",
            "    /** The services, by function prefix: each has a client. */",
            f"    public const SERVICES = {_php_list(header.services, '    ')};",
            "    /** char *NAME(const char *request_json): no client. */",
            f"    public const HELPER_FUNCTIONS = {_php_list(header.names('helper'), '    ')};",
            "    /** Per service: kind (client_new, client_free, set_progress, set_log, cancel) => C function. */",
            f"    public const CLIENT_FUNCTIONS = {per_service(header.lifecycle)};",
            "    /** Per service: operation (as in call()) => "
            "char *NAME(PREFIX_client *, const char *request_json). */",
            f"    public const OPERATIONS = {per_service(header.operations)};",
            '    /** The operations cfdi_process_files runs in a batch (its "operation" field). */',
            f"    public const BATCH_OPERATIONS = {_php_list(header.batch_operations, '    ')};",
            "",
            "    private function __construct()",
            "    {",
            "    }",
            "}",
            "",
        ]
    )


def fuzz_entries(header: Header) -> List[tuple]:
    """(selector, name, kind, prefix) of every function the fuzz target calls, by selector."""
    rows = [(fuzz_selector(f.name), f.name, f.kind, f.prefix) for f in header.functions if f.kind in FUZZED_KINDS]
    rows.sort()
    for (first, a, _, _), (second, b, _, _) in zip(rows, rows[1:]):
        if first == second:
            raise sello_header.HeaderError(
                f"{a} and {b} have the same fuzz selector {first:#06x}: rename one, or change fuzz_selector "
                f"in scripts/sello_header.py (and regenerate fuzz/corpus/fuzz_requests with fuzz/make_corpus.py)"
            )
    return rows


def render_fuzz(header: Header) -> str:
    lines = [
        f"// {NOTICE}",
        "// scripts/fuzz.sh writes it before each build. Every function fuzz_requests calls, sorted by its selector",
        "// (the first two bytes of SHA-256 of its name: scripts/sello_header.py fuzz_selector); an input's",
        "// first two bytes pick the first entry at or after them, wrapping around, so a function added",
        "// later takes over only the selectors just below its own and every seed keeps its function.",
        "import CSelloAPI",
        "",
        "let entries: [(selector: UInt16, entry: Entry)] = [",
    ]
    for selector, name, kind, prefix in fuzz_entries(header):
        if kind == "helper":
            entry = f'.local("{name}", {name})'
        elif kind == "client_new":
            entry = f'.clientNew("{prefix}", {name}, {prefix}_client_free)'
        elif kind == "cancel":
            entry = f'.cancel("{prefix}", "{name}", {name})'
        else:
            entry = f'.operation("{prefix}", "{name}", {name})'
        lines.append(f"    ({selector:#06x}, {entry}),")
    lines += ["]", ""]
    return "\n".join(lines)


#: Operation-name words written in capitals in Swift names (processFileWithCSD, getByUUID).
SWIFT_ACRONYMS = ("csd", "xml", "uuid", "pdf", "rut", "rfc", "url", "id")


def swift_method(operation: str) -> str:
    """The name of an operation's declaration on its client's type: get_by_uuid -> getByUUID."""
    head, *rest = operation.split("_")
    return head + "".join(word.upper() if word in SWIFT_ACRONYMS else word.capitalize() for word in rest)


def swift_client(prefix: str) -> str:
    """The Swift client class of a service: cfdi -> CFDIClient."""
    return prefix.upper() + "Client"


def render_swift_exports(header: Header) -> str:
    lines = [
        f"// {NOTICE}",
        "// Every operation of the header, exported: the C symbol (the compiler checks its signature against",
        "// include/sello.h) runs the operation its service's client type declares, named by scripts/generate.py's",
        "// swift_method (cfdi_get_by_uuid -> CFDIClient.getByUUID). The lifecycle functions are in *Exports.swift.",
        "import CSelloAPI",
        "import SelloCore",
    ]
    for function in header.functions:
        if function.kind != "operation":
            continue
        lines += [
            "",
            f"@c({function.name}) @implementation public func {function.name}(",
            "    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?",
            ") -> UnsafeMutablePointer<CChar>? {",
            f"    Bridge.run(client, {swift_client(function.prefix)}.{swift_method(function.operation)}, request)",
            "}",
        ]
    return "\n".join(lines) + "\n"


KEPT: Dict[pathlib.Path, Callable[[Header], str]] = {
    PYTHON_ABI: render_python,
    PHP_ABI: render_php,
    SWIFT_EXPORTS: render_swift_exports,
}


def stale(header: Header) -> List[pathlib.Path]:
    """The kept files whose text is not what the header gives."""
    out = []
    for path, render in KEPT.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != render(header):
            out.append(path)
    return out


def regions(header: Header, model: Optional[Dict[str, operation_model.Binding]] = None) -> Dict[pathlib.Path, str]:
    """Each client class's file with its typed methods as the binding blocks give them."""
    model = operation_model.read() if model is None else model
    out: Dict[pathlib.Path, str] = {}
    for service in header.services:
        if service in binding_methods.FILES:
            out.update(binding_methods.rendered(service, header.operations(service), model))
    return out


def stale_regions(header: Header, model: Optional[Dict[str, operation_model.Binding]] = None) -> List[pathlib.Path]:
    """The client files whose generated methods are not what the binding blocks give."""
    return [path for path, text in regions(header, model).items() if path.read_text(encoding="utf-8") != text]


def write(path: pathlib.Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write_aio_stub() -> None:
    """sello.aio's typed stub follows the synchronous classes, which follow the binding blocks: it is
    written by the package's own generator, run on the files just written."""
    source = ROOT / "bindings" / "python" / "src"
    subprocess.run([sys.executable, "-m", "sello.aio._stubgen"], cwd=source, check=True)


def main(argv: Sequence[str]) -> int:
    try:
        header = sello_header.read()
        if "--check" in argv:
            out = stale(header) + stale_regions(header)
            for path in out:
                print(
                    f"{path.relative_to(ROOT)} is out of date with include/sello.h or docs/reference.md: run "
                    f"`make generate` (python3 scripts/generate.py) and commit it",
                    file=sys.stderr,
                )
            return 1 if out else 0
        if "--fuzz" in argv:
            texts = {FUZZ_ENTRIES: render_fuzz(header)}
        else:
            texts = {path: render(header) for path, render in KEPT.items()}
            texts.update(regions(header))
        for path, text in texts.items():
            if write(path, text):
                print(f"wrote {path.relative_to(ROOT)}")
        if "--fuzz" not in argv:
            write_aio_stub()
            # an operation's fuzz seeds are made from its binding block: the kept corpus follows it
            subprocess.run([sys.executable, str(ROOT / "fuzz" / "make_corpus.py"), "fuzz_requests"], check=True)
    except (sello_header.HeaderError, operation_model.ModelError) as error:
        print(f"generate: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
