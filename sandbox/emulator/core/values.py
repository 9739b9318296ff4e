"""Small value helpers every service uses: time, base64, money, e-mail and integer checks, and
which hosts count as loopback."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64_strict(text: Any) -> bytes | None:
    """Decode standard base64 strictly (no whitespace, correct padding); None if it is not."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


EMAIL_RE = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_digits(text: str) -> bool:
    """ASCII digits only (str.isdigit() also accepts "²" and other Unicode digits)."""
    return re.fullmatch(r"[0-9]{1,18}", text) is not None


def nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def loopback_host(host: str) -> str | None:
    """The address to bind, or None when ``host`` is not a loopback address."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None
