"""FES's data rules: RUT check digits and the comunas of ``chile/communes.csv`` in the seed's form."""

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


def seed_form(name: str) -> str:
    """A comuna as seed 000's example writes it ("LOS ANGELES"): upper case, accents removed, Ñ as N
    ("Los Ángeles" -> "LOS ANGELES", "Ñuñoa" -> "NUNOA"); spaces and apostrophes kept."""
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def load_comunas(data_dir: Path) -> dict[str, str]:
    """The 346 comunas of ``chile/communes.csv`` keyed by their seed form. A request's comuna is
    looked up as sent, not folded: only the seed's form is known (README, FES)."""
    path = data_dir / "chile" / "communes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    return {seed_form(name): name for name in names}
