"""docs/reference.md documents every function of include/sello.h, and nothing else.

    python3 -m pytest -q docs/test_reference.py

Fails if a function of the header has no `### name` section, if a `### name` section names a
function the header does not declare, or if a function has two sections.
"""
from __future__ import annotations

import collections
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
HEADER = ROOT / "include" / "sello.h"
REFERENCE = ROOT / "docs" / "reference.md"
PREFIXES = ("sello_", "fes_", "fv_", "cfdi_")


def header_functions() -> set[str]:
    """The functions the header declares (comments stripped, function-pointer typedefs excluded)."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", HEADER.read_text(encoding="utf-8"), flags=re.S)
    names = set(re.findall(r"\b((?:sello|fes|fv|cfdi)_[a-z0-9_]+)\s*\(", text))
    typedefs = {n for n in names if re.search(r"typedef[^;]*\(\s*\*\s*" + n + r"\s*\)", text)}
    return names - typedefs


def reference_sections() -> list[str]:
    """Every `### ...` heading that names a function-like identifier (prefix sello_/fes_/fv_/cfdi_)."""
    sections = []
    in_code = False
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        match = re.match(r"^###\s+`?([A-Za-z0-9_]+)`?\s*(?:\(\))?\s*$", line)
        if not in_code and match and match.group(1).startswith(PREFIXES):
            sections.append(match.group(1))
    return sections


def test_the_header_declares_functions() -> None:
    functions = header_functions()
    assert len(functions) >= 40, functions
    assert "sello_free" in functions and "sello_progress_fn" not in functions


def test_every_function_has_a_section() -> None:
    missing = sorted(header_functions() - set(reference_sections()))
    assert not missing, f"docs/reference.md has no '### name' section for: {', '.join(missing)}"


def test_every_section_names_a_declared_function() -> None:
    unknown = sorted(set(reference_sections()) - header_functions())
    assert not unknown, f"docs/reference.md documents functions include/sello.h does not declare: {', '.join(unknown)}"


def test_no_function_has_two_sections() -> None:
    twice = [name for name, count in collections.Counter(reference_sections()).items() if count > 1]
    assert not twice, f"documented twice: {', '.join(twice)}"


def test_the_sections_follow_the_header_order() -> None:
    """Readers go through both side by side: same order as the header."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(encoding="utf-8"), flags=re.S)
    declared = set(header_functions())
    order = []
    for name in re.findall(r"\b((?:sello|fes|fv|cfdi)_[a-z0-9_]+)\s*\(", text):
        if name in declared and name not in order:
            order.append(name)
    documented = [name for name in reference_sections() if name in declared]
    assert documented == order
