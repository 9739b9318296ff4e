"""A CFDI's `Fecha` against SAT's window (72 hours back, 5 minutes of clock difference ahead), on
every stamping path. `Fecha` has no zone: SAT's CFDI 4.0 rule takes it as the local time of the
place of issue, the LugarExpedicion's postal code. The zones come from a table of postal-code
prefixes (sandbox/README.md: a choice on weak evidence); a code it cannot place gets the library's
tolerant rule, refused only when out of range at every Mexican offset (UTC−8 to UTC−5)."""

from __future__ import annotations

import datetime as dt
import re

from emulator.core.values import utc_now

WINDOW = dt.timedelta(hours=72)
AHEAD = dt.timedelta(minutes=5)
ANY_MEXICAN = (-8, -5)  # the westernmost and easternmost offsets, hours
POSTAL_CODE = re.compile(r"(?!00)[0-9]{5}")

# Two-digit prefix -> offset in hours, where it is not Mexico City's −6 (no summer time since 2022).
# Baja California (21, 22) is handled apart: it keeps the US summer time.
PREFIX_OFFSETS = {
    "23": -7,  # Baja California Sur
    "63": -7,  # Nayarit (Bahía de Banderas, in 637xx, is −6: see NAYARIT_637)
    "77": -5,  # Quintana Roo
    "80": -7,  # Sinaloa
    "81": -7,
    "82": -7,
    "83": -7,  # Sonora
    "84": -7,
    "85": -7,
}
# 637xx holds Compostela (−7) and Bahía de Banderas (−6, with Puerto Vallarta's time): either.
NAYARIT_637 = (-7, -6)


def nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def baja_california_offsets(local: dt.datetime) -> tuple[int, int]:
    """Tijuana and Mexicali keep the US rule: −7 from the second Sunday of March at 02:00 to the
    first Sunday of November at 02:00 (local summer time), −8 otherwise. The hour skipped in March
    and the hour lived twice in November may be either."""
    start = dt.datetime.combine(nth_sunday(local.year, 3, 2), dt.time(2))
    end = dt.datetime.combine(nth_sunday(local.year, 11, 1), dt.time(1))
    if start <= local < start + dt.timedelta(hours=1) or end <= local < end + dt.timedelta(hours=1):
        return (-8, -7)
    return (-7, -7) if start <= local < end else (-8, -8)


def fecha_offsets(lugar: str | None, local: dt.datetime) -> tuple[int, int]:
    """The UTC offsets (westernmost, easternmost; hours) in which `local`, a Fecha issued at the
    postal code `lugar`, may be; all of Mexico's when the postal code is missing or not one."""
    if lugar is None or not POSTAL_CODE.fullmatch(lugar):
        return ANY_MEXICAN
    if lugar[:2] in ("21", "22"):
        return baja_california_offsets(local)
    if lugar[:3] == "637":
        return NAYARIT_637
    offset = PREFIX_OFFSETS.get(lugar[:2], -6)
    return (offset, offset)


def cfdi_check_fecha(
    fecha: dt.datetime, lugar: str | None, now: dt.datetime | None = None, future: bool = True
) -> tuple[int, str] | None:
    """401 when `fecha` (naive local time at `lugar`) is more than 72 h before `now`, or (with
    `future`) more than 5 minutes after it, at every offset the place may have."""
    now_utc = (now or utc_now()).astimezone(dt.timezone.utc).replace(tzinfo=None)
    west, east = fecha_offsets(lugar, fecha)
    # The UTC instant of a local time is local − offset: the latest at the west, the earliest at the east.
    if now_utc - (fecha - dt.timedelta(hours=west)) > WINDOW:
        return 401, "la fecha tiene más de 72 horas"
    if future and (fecha - dt.timedelta(hours=east)) - now_utc > AHEAD:
        return 401, "la fecha es posterior a la actual"
    return None
