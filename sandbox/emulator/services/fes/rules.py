"""FES's data rules: RUT check digits and the comunas of ``chile/communes.csv``."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path


def rut_check_digit(number: str) -> str:
    """Modulo-11 check digit of the digits of a RUT."""
    total, weight = 0, 2
    for digit in reversed(number):
        total += int(digit) * weight
        weight = 2 if weight == 7 else weight + 1
    rest = 11 - total % 11
    return {11: "0", 10: "K"}.get(rest, str(rest))


RUT_RE = re.compile(r"([0-9]{7,8})-([0-9K])")


def rut_is_valid(rut: str) -> bool:
    """seed 000: RUT "debe ir con dígito verificador y formato “xxxxxxxx-x”" (no dots)."""
    match = RUT_RE.fullmatch(rut)
    return match is not None and rut_check_digit(match.group(1)) == match.group(2)


def fold(text: str) -> str:
    """Case- and accent-insensitive key ("Los Ángeles" -> "los angeles")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def load_comunas(data_dir: Path) -> dict[str, str]:
    """The 346 comunas of ``chile/communes.csv`` keyed by their folded name."""
    path = data_dir / "chile" / "communes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    return {fold(name): name for name in names}
