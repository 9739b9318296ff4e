"""docs/reference.md documents every function of include/sello.h, and nothing else.

    python3 -m pytest -q docs/test_reference.py

Fails if a function of the header has no `### name` section, if a `### name` section names a
function the header does not declare, or if a function has two sections.
"""

from __future__ import annotations

import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"
PREFIXES = ("sello_", "fes_", "fv_", "cfdi_")
sys.path.insert(0, str(ROOT / "scripts"))
import sello_header  # noqa: E402  (include/sello.h read as data: the one list of functions)


def header_functions() -> set[str]:
    """The functions the header declares (function-pointer typedefs are not functions)."""
    return set(sello_header.read().names())


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
    order = sello_header.read().names()
    documented = [name for name in reference_sections() if name in set(order)]
    assert documented == order
