"""include/sello.h is the one list of functions and the one place of the version and ABI numbers.

    python3 -m pytest -q Tests/header

What is generated from it (scripts/generate.py: the bindings' tables, the fuzz entries) is current
and follows it, and what is written by hand elsewhere is checked against it: the fuzz seeds, the
soname, the version quoted in the docs. Each reader is also shown a header with one more (or one
wrong) prototype, to see it name the problem. The bindings' own checks are in
bindings/python/tests/test_operation_table.py and bindings/php/tests/OperationTableTest.php; the
library's, through the .so, in Tests/python/test_operation_list.py.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import pathlib
import re
import sys
from typing import Dict, List, Tuple

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import generate  # noqa: E402
import sello_header  # noqa: E402
from sello_header import HeaderError  # noqa: E402

HEADER = sello_header.read()
TEXT = sello_header.HEADER.read_text(encoding="utf-8")


def with_text(extra: str) -> str:
    cut = TEXT.rindex("#ifdef __cplusplus")
    return TEXT[:cut] + extra + "\n\n" + TEXT[cut:]


def make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "fuzz" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# -- reading the header ---------------------------------------------------------------------------


def test_the_header_is_read_whole() -> None:
    defines = dict(re.findall(r"^#define (SELLO_\w+) (\d+)$", TEXT, flags=re.M))
    assert HEADER.version == "{SELLO_VERSION_MAJOR}.{SELLO_VERSION_MINOR}.{SELLO_VERSION_PATCH}".format(**defines)
    assert HEADER.abi == int(defines["SELLO_ABI_VERSION"])
    assert HEADER.services == ("fes", "fv", "cfdi")
    # Every prototype: the names found by the plainest reading (as docs/test_reference.py does).
    plain = set(re.findall(r"\b((?:sello|fes|fv|cfdi)_[a-z0-9_]+)\s*\(", re.sub(r"/\*.*?\*/", "", TEXT, flags=re.S)))
    assert set(HEADER.names()) == plain - {"sello_progress_fn", "sello_log_fn"}
    assert HEADER.function("fes_obtain_certificate").kind == "operation"
    assert HEADER.function("fv_parse_callback").kind == "helper"
    assert HEADER.function("cfdi_client_cancel").kind == "cancel"
    assert HEADER.operations("cfdi")["get_status"] == "cfdi_get_status"
    assert HEADER.batch_operations[0] == "process_file" and "get_status" in HEADER.batch_operations
    counts = {kind: len(HEADER.names(kind)) for kind in sello_header.KINDS}
    assert counts["common"] == 3 and counts["client_new"] == counts["cancel"] == 3
    assert counts["operation"] >= 33 and counts["helper"] >= 6


@pytest.mark.parametrize(
    "prototype, expected",
    [
        (
            "char *fv_frobnicate(fv_client *client, int level);",
            "fv_frobnicate: `char * fv_frobnicate(fv_client *, int)` has none of the shapes",
        ),
        ("int cfdi_count(cfdi_client *client, const char *request_json);", "cfdi_count: `int cfdi_count("),
        ("char *xx_ping(const char *request_json);", "xx_ping:"),
        ("void fes_client_set_log(fes_client *client, int level);", "fes_client_set_log is declared twice"),
        (
            "char *fes_client_reset(fes_client *client, const char *request_json);",
            "PREFIX_client_* names are the client's",
        ),
        ("char *sello_free(char *json);", "sello_free is declared twice"),
    ],
)
def test_an_unknown_prototype_is_named_with_its_line(prototype: str, expected: str) -> None:
    with pytest.raises(HeaderError) as raised:
        sello_header.parse(with_text(prototype))
    assert expected in str(raised.value)
    line = with_text(prototype).count("\n", 0, with_text(prototype).index(prototype)) + 1
    assert f"sello.h:{line}:" in str(raised.value) or "declared twice" in str(raised.value)


def test_a_lifecycle_function_of_the_wrong_shape_is_named() -> None:
    text = TEXT.replace(
        "char *fv_client_cancel(fv_client *client, const char *call_id);",
        "int fv_client_cancel(fv_client *client, const char *call_id);",
    )
    expected = r"fv_client_cancel must be `char \* fv_client_cancel\(fv_client \*, const char \*\)`"
    with pytest.raises(HeaderError, match=expected):
        sello_header.parse(text)


def test_a_service_without_its_lifecycle_is_named() -> None:
    with pytest.raises(HeaderError, match="service xx has no xx_client_free"):
        sello_header.parse(
            with_text(
                "typedef struct xx_client xx_client;\n"
                "xx_client *xx_client_new(const char *config_json, char **error_json);"
            )
        )


def test_a_batch_operation_that_is_not_declared_is_named() -> None:
    text = TEXT.replace('"stamp_xml" | "stamp_xml_with_csd"', '"stamp_xml" | "stamp_pdf" | "stamp_xml_with_csd"')
    assert text != TEXT
    with pytest.raises(HeaderError, match="documents operations that are not declared: cfdi_stamp_pdf"):
        sello_header.parse(text)


def test_the_command_line_reports_the_numbers() -> None:
    import subprocess

    def run(*args: str) -> list:
        script = str(ROOT / "scripts" / "sello_header.py")
        return subprocess.run(
            [sys.executable, script, *args], capture_output=True, text=True, check=True
        ).stdout.split()

    assert run("version") == [HEADER.version] and run("abi") == [str(HEADER.abi)]
    assert run("major") == [str(HEADER.major)]
    assert run("functions", "operation") == HEADER.names("operation")


# -- what is generated from it ----------------------------------------------------------------------


def test_the_kept_files_are_current() -> None:
    stale = [str(path.relative_to(ROOT)) for path in generate.stale(HEADER)]
    assert not stale, f"out of date with include/sello.h: {', '.join(stale)}: run `make generate` and commit them"


def test_a_new_operation_reaches_every_table() -> None:
    header = sello_header.parse(with_text("char *cfdi_get_receipt_pdf(cfdi_client *client, const char *request_json);"))
    assert header.operations("cfdi")["get_receipt_pdf"] == "cfdi_get_receipt_pdf"
    assert '        "get_receipt_pdf": "cfdi_get_receipt_pdf",' in generate.render_python(header)
    assert "            'get_receipt_pdf' => 'cfdi_get_receipt_pdf'," in generate.render_php(header)
    assert '.operation("cfdi", "cfdi_get_receipt_pdf", cfdi_get_receipt_pdf)' in generate.render_fuzz(header)
    exports = generate.render_swift_exports(header)
    assert (
        "@c(cfdi_get_receipt_pdf) @implementation public func cfdi_get_receipt_pdf(\n"
        "    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?\n"
        ") -> UnsafeMutablePointer<CChar>? {\n"
        "    Bridge.run(client, CFDIClient.getReceiptPDF, request)\n}\n"
    ) in exports
    # an operation's seeds come from its binding block: without one, the check names where to write it
    assert any(
        "no binding block for cfdi_get_receipt_pdf" in p and "### cfdi_get_receipt_pdf" in p
        for p in make_corpus().seed_problems(header)
    )
    # a helper's are written by hand
    helper = sello_header.parse(with_text("char *cfdi_check_uuid(const char *request_json);"))
    assert any("no seeds for cfdi_check_uuid" in p for p in make_corpus().seed_problems(helper))


def test_an_operations_seeds_are_made_from_its_binding_block() -> None:
    corpus = make_corpus()
    block = (
        "summary: x\nrequest: array{uuid: string, n?: int, ok?: bool, at?: path, tags?: list<'A'|'B'>,\n"
        "    items?: list<array{k: string|int}>}\ndata: array{...}"
    )
    model = corpus.operation_model.read(f"### cfdi_get_receipt_pdf\n\n```binding\n{block}\n```\n")
    seeds = corpus.block_seeds(model["cfdi_get_receipt_pdf"])
    assert seeds == [
        {"uuid": "A1"},
        {"uuid": "A1", "n": 1, "ok": True, "at": "/nonexistent/sello-fuzz", "tags": ["A"], "items": [{"k": "A1"}]},
    ]
    # and every operation has them, besides any written by hand in REQUESTS
    names = [name for name, _ in corpus.request_seeds()]
    for function in HEADER.names("operation"):
        assert sum(name.startswith(f"{function}-block") for name in names) == 2, function


def test_a_new_version_reaches_every_table() -> None:
    text = re.sub(r"#define SELLO_VERSION_MINOR \d+", "#define SELLO_VERSION_MINOR 42", TEXT)
    text = re.sub(r"#define SELLO_ABI_VERSION \d+", "#define SELLO_ABI_VERSION 7", text)
    header = sello_header.parse(text)
    assert header.version == f"{HEADER.major}.42.{HEADER.version_parts[2]}"
    assert f'VERSION = "{header.version}"\n' in generate.render_python(header)
    assert "ABI_VERSION = 7\n" in generate.render_python(header)
    assert f"public const VERSION = '{header.version}';" in generate.render_php(header)
    assert "public const ABI_VERSION = 7;" in generate.render_php(header)


def test_a_stale_table_is_named() -> None:
    header = sello_header.parse(with_text("char *fv_ping(fv_client *client, const char *request_json);"))
    assert set(generate.stale(header)) == {generate.PYTHON_ABI, generate.PHP_ABI, generate.SWIFT_EXPORTS}


def test_each_export_calls_the_swift_method_named_by_the_rule() -> None:
    """The method of CFDIClient, FVClient or FESClient an export calls is the operation's name in
    lowerCamelCase, its acronyms in capitals: what a new operation's Swift method must be called."""
    assert generate.swift_method("process_file_with_csd") == "processFileWithCSD"
    assert generate.swift_method("get_by_uuid") == "getByUUID"
    assert generate.swift_method("stamp_xml") == "stampXML"
    assert generate.swift_method("login") == "login"
    assert generate.swift_client("cfdi") == "CFDIClient" and generate.swift_client("fv") == "FVClient"
    for function in HEADER.functions:
        if function.kind == "operation":
            assert f"@c({function.name}) @implementation" in generate.render_swift_exports(HEADER)


# -- the fuzz target --------------------------------------------------------------------------------


def ring(rows: List[Tuple[int, str, str, str]]):
    """fuzz_requests' choice (Swift `entry(for:)`): the first entry at or after a selector, wrapping."""

    def pick(value: int) -> str:
        for selector, name, _, _ in rows:
            if selector >= value:
                return name
        return rows[0][1]

    return pick


def test_the_fuzz_entries_are_every_function_that_takes_text() -> None:
    rows = generate.fuzz_entries(HEADER)
    assert sorted(name for _, name, _, _ in rows) == sorted(HEADER.names(*sello_header.FUZZED_KINDS))
    assert [r[0] for r in rows] == sorted({r[0] for r in rows}), "selectors are unique and sorted"
    swift = generate.render_fuzz(HEADER)
    for name in HEADER.names(*sello_header.FUZZED_KINDS):
        assert f"{name})" in swift or f"{name}, " in swift, name
    # Each service the entries make a client for has a configuration in the target.
    target = (ROOT / "fuzz" / "Targets" / "fuzz_requests" / "FuzzRequests.swift").read_text(encoding="utf-8")
    for service in HEADER.services:
        assert re.search(rf'"{service}":\s*"\{{', target), f"FuzzRequests.swift has no configuration for {service}"


def test_fuzz_selectors_that_collide_are_refused() -> None:
    rows = generate.fuzz_entries(HEADER)
    taken = {selector for selector, _, _, _ in rows}
    for index in range(100000):  # a name that hashes onto a selector already taken
        name = f"cfdi_op{index}"
        if sello_header.fuzz_selector(name) in taken:
            break
    header = sello_header.parse(with_text(f"char *{name}(cfdi_client *client, const char *request_json);"))
    with pytest.raises(HeaderError, match=f"{name} and .* have the same fuzz selector|.* and {name} have the same"):
        generate.fuzz_entries(header)


def test_every_seed_keeps_its_function_when_functions_are_added() -> None:
    corpus = ROOT / "fuzz" / "corpus" / "fuzz_requests"
    before = ring(generate.fuzz_entries(HEADER))
    added = "\n".join(f"char *cfdi_new_op{i}(cfdi_client *client, const char *request_json);" for i in range(20))
    after = ring(generate.fuzz_entries(sello_header.parse(with_text(added))))
    files = sorted(corpus.iterdir())
    assert len(files) > 50
    for path in files:
        data = path.read_bytes()
        value = int.from_bytes(data[:2], "big")
        assert after(value) == before(value), path.name
        if "-" in path.name and not path.name.startswith("regress-"):  # NAME-sha: a seed of NAME
            assert before(value) == path.name.rsplit("-", 1)[0], path.name


def test_every_function_has_seeds_and_the_corpus_holds_them() -> None:
    corpus_module = make_corpus()
    assert corpus_module.seed_problems() == []
    corpus = ROOT / "fuzz" / "corpus" / "fuzz_requests"
    missing = [
        name
        for name, data in corpus_module.request_seeds()
        if not (corpus / name).is_file() or (corpus / name).read_bytes() != data
    ]
    assert not missing, (
        f"fuzz/corpus/fuzz_requests lacks {', '.join(missing)}: run python3 fuzz/make_corpus.py fuzz_requests"
    )


def test_seeds_of_a_function_gone_from_the_header_are_named() -> None:
    without = dataclasses.replace(HEADER, functions=tuple(f for f in HEADER.functions if f.name != "fv_login"))
    [problem] = make_corpus().seed_problems(without)
    assert problem.startswith("fuzz/make_corpus.py has seeds for fv_login, which fuzz_requests does not call")


# -- the numbers, wherever they are written -----------------------------------------------------------


def test_the_soname_is_the_major_version() -> None:
    package = (ROOT / "Package.swift").read_text(encoding="utf-8")
    assert re.findall(r"-soname=libsello\.so\.(\d+)", package) == [str(HEADER.major)], (
        f"Package.swift must link with -soname=libsello.so.{HEADER.major} (SELLO_VERSION_MAJOR)"
    )
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "MAJOR := $(shell python3 scripts/sello_header.py major)" in makefile
    assert "libsello.so.0" not in makefile


#: Where documentation quotes the version: (file, pattern whose group 1 is a version).
VERSION_QUOTES = [
    ("include/sello.h", r'The library version, "(\d+\.\d+\.\d+)"'),
    ("docs/reference.md", r"`sello/(\d+\.\d+\.\d+)`"),
    ("docs/reference.md", r'the library version, `"(\d+\.\d+\.\d+)"`'),
    ("README.md", r"composer require --no-audit sello/sello:(\d+\.\d+\.\d+)"),
    ("README.md", r"sello-php-(\d+\.\d+\.\d+)\.zip"),
    ("docs/php-fpm.md", r"composer require --no-audit sello/sello:(\d+\.\d+\.\d+)"),
    ("docs/php-fpm.md", r"libsello\.so\.(\d+\.\d+\.\d+)"),
    ("docs/php-fpm.md", r"# shows: scope (\d+\.\d+\.\d+)"),
]


def test_the_docs_quote_the_headers_version() -> None:
    found: Dict[str, List[str]] = {}
    for name, pattern in VERSION_QUOTES:
        versions = re.findall(pattern, (ROOT / name).read_text(encoding="utf-8"))
        assert versions, f"{name} no longer quotes the version as {pattern!r}: update VERSION_QUOTES in {__file__}"
        found.setdefault(name, []).extend(versions)
    wrong = {name: versions for name, versions in found.items() if set(versions) != {HEADER.version}}
    assert not wrong, f"include/sello.h says {HEADER.version}; these say otherwise: {wrong}"
    # The soname quoted in the docs is the major version's.
    for name in ("docs/php-fpm.md",):
        for soname in re.findall(r"libsello\.so\.(\d+)\b(?!\.)", (ROOT / name).read_text(encoding="utf-8")):
            assert soname == str(HEADER.major), name
