"""The binding blocks of docs/reference.md, the model the bindings' typed methods are written from.

    python3 -m pytest -q Tests/header

scripts/operation_model.py reads them; scripts/binding_methods.py writes each client class's
generated region from them (make generate). Checked here: every operation has a block, the
regions are current, a new operation's block becomes its methods in both bindings, and the
reader names what it cannot read.
"""

from __future__ import annotations

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import binding_methods  # noqa: E402
import generate  # noqa: E402
import operation_model  # noqa: E402
import sello_header  # noqa: E402
from operation_model import ModelError, parse_type, python_type  # noqa: E402

HEADER = sello_header.read()
MODEL = operation_model.read()
REFERENCE = operation_model.REFERENCE.read_text(encoding="utf-8")

RECEIPT_PDF = """
### cfdi_get_receipt_pdf

The receipt as a PDF.

```binding
summary: The receipt of a stamped CFDI as a PDF (descargarPdf).
    Safe to repeat.
request: array{
    uuid: string,
    save_dir?: path,
    sizes?: list<int>
}
data: array{pdfBase64: string, ...}
```
"""


def header_with(prototype: str) -> sello_header.Header:
    text = sello_header.HEADER.read_text(encoding="utf-8")
    cut = text.rindex("#ifdef __cplusplus")
    return sello_header.parse(text[:cut] + prototype + "\n\n" + text[cut:])


# -- the model is complete and the regions follow it ---------------------------------------------


def test_every_operation_has_a_binding_block() -> None:
    missing = [name for name in HEADER.names("operation") if name not in MODEL]
    assert not missing, f"docs/reference.md has no binding block for {', '.join(missing)}"
    assert set(MODEL) <= set(HEADER.names("operation")), "a binding block names no operation of the header"


def test_the_generated_methods_are_current() -> None:
    regions = set(generate.stale_regions(HEADER))
    assert not regions, f"out of date with docs/reference.md: {sorted(map(str, regions))}: run `make generate`"


def test_only_the_callback_is_written_by_hand() -> None:
    assert [name for name, binding in MODEL.items() if binding.by_hand] == ["fv_confirm_callback"]


def test_every_request_is_a_shape_with_python_types() -> None:
    for name, binding in MODEL.items():
        for field in binding.fields:
            assert python_type(field.type), f"{name}.{field.name}"


# -- a new operation -------------------------------------------------------------------------------


def test_a_new_operation_without_a_block_is_named_with_where_to_add_it() -> None:
    header = header_with("char *cfdi_get_receipt_pdf(cfdi_client *client, const char *request_json);")
    with pytest.raises(ModelError) as caught:
        generate.stale_regions(header)
    assert "docs/reference.md has no binding block for it" in str(caught.value)
    assert "### cfdi_get_receipt_pdf" in str(caught.value)


def test_a_new_operations_block_becomes_its_methods_in_both_bindings() -> None:
    header = header_with("char *cfdi_get_receipt_pdf(cfdi_client *client, const char *request_json);")
    model = operation_model.read(REFERENCE + RECEIPT_PDF)
    files = binding_methods.rendered("cfdi", header.operations("cfdi"), model)
    python = files[binding_methods.FILES["cfdi"][0]]
    php = files[binding_methods.FILES["cfdi"][1]]
    assert (
        "    def get_receipt_pdf(\n        self,\n        *,\n        uuid: str,\n"
        "        save_dir: Optional[PathLike] = None,\n        sizes: Optional[Sequence[int]] = None,\n"
        "    ) -> Result:\n"
        '        """The receipt of a stamped CFDI as a PDF (descargarPdf). Safe to repeat.\n'
    ) in python
    assert '                "sizes": sizes,\n' in python
    assert "     * @param array{\n     *     uuid: string,\n     *     save_dir?: string,\n" in php
    assert "    public function getReceiptPdf(#[\\SensitiveParameter] array $request): Result\n" in php
    assert "        return $this->invoke('get_receipt_pdf', $request);\n" in php
    assert python.count("def get_receipt_pdf(") == 1 and php.count("function getReceiptPdf(") == 1
    assert set(generate.stale_regions(header, model)) == set(binding_methods.FILES["cfdi"])


# -- the reader ------------------------------------------------------------------------------------


def test_types_are_read_as_phpstan_writes_them() -> None:
    shape = parse_type("array{a: string, b?: list<array{c: int|'X'}>, 'd'?: path, ...}")
    assert [(f.name, f.required) for f in shape.fields] == [("a", True), ("b", False), ("d", False)]
    assert shape.open
    assert python_type(shape.fields[1].type) == "Sequence[Mapping[str, Any]]"
    assert python_type(parse_type("string|int|float")) == "Union[str, int, float]"
    assert python_type(parse_type("'NATURAL'|'LEGAL'")) == "str"
    assert python_type(parse_type("string|null")) == "Optional[str]"
    assert python_type(parse_type("non-empty-list<string|array{uuid: string}>")) == (
        "Sequence[Union[str, Mapping[str, Any]]]"
    )
    assert python_type(parse_type("array<string, mixed>")) == "Mapping[str, Any]"


def test_path_is_a_string_in_php_but_not_a_field_named_path() -> None:
    assert operation_model.php_text("array{path: path, file_path?: path, xs: list<path>}") == (
        "array{path: string, file_path?: string, xs: list<string>}"
    )


@pytest.mark.parametrize(
    "block, message",
    [
        ("summary: x\nrequest: array{}\n", "has no data"),
        ("summary: x\nrequest: array{}\ndata: array{}\nsumary: y\n", "docs/reference.md:"),
        ("  request: array{}\n", "must start with a key"),
        ("summary: x\nrequest: array{}\ndata: array{}\ndata: array{}\n", "has data twice"),
        ("summary: x\nrequest: array{}\ndata: array{}\nsent: twice\n", "fv_ping's binding block has sent: 'twice'"),
        ("summary: x\nrequest: array{}\ndata: array{}\nsent:\n", "fv_ping's binding block has sent: ''"),
    ],
)
def test_a_block_it_cannot_read_is_named(block: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        operation_model.read("### fv_ping\n\n```binding\n" + block + "```\n")


def test_sent_once_is_read_and_becomes_the_python_table() -> None:
    block = "summary: x\nrequest: array{}\ndata: array{}\nsent: once\n"
    [binding] = operation_model.read("### cfdi_get_receipt_pdf\n\n```binding\n" + block + "```\n").values()
    assert binding.sent_once
    assert not MODEL["cfdi_get_status"].sent_once and MODEL["fes_obtain_certificate"].sent_once
    header = header_with("char *cfdi_get_receipt_pdf(cfdi_client *client, const char *request_json);")
    once = operation_model.read(
        REFERENCE + RECEIPT_PDF.replace("data: array{pdfBase64", "sent: once\ndata: array{pdfBase64")
    )
    assert once["cfdi_get_receipt_pdf"].sent_once
    assert '        "get_receipt_pdf",\n' in generate.render_python(header, once).rsplit("SENT_ONCE", 1)[1]
    assert '        "get_receipt_pdf",\n' not in generate.render_python(header).rsplit("SENT_ONCE", 1)[1]


def test_a_type_it_cannot_read_is_named() -> None:
    with pytest.raises(ModelError, match="expected"):
        parse_type("array{a: string")
    with pytest.raises(ModelError, match="no Python type for 'resource'"):
        python_type(parse_type("resource"))
