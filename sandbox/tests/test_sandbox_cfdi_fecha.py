"""CFDI `Fecha`: local time without a zone, judged in the zone of the LugarExpedicion's postal
code (SAT's rule for CFDI 4.0), on every stamping path; an unknown postal code gets the tolerant
rule (refused only when out of range at every Mexican offset, UTC−8 to UTC−5)."""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import sandbox_support
from emulator.services.cfdi.fecha import cfdi_check_fecha, fecha_offsets
from sandbox_support import (
    CONTRATO,
    CSV40_INVOICE,
    Sandbox,
    cfdi,
    cfdi40_xml,
    csv_datos,
    process40,
    sealed,
    timbrado40,
)

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean
UTC = dt.timezone.utc


def local(offset_hours: float, minus: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """Now at that UTC offset, less `minus`, as a naive local time."""
    return dt.datetime.now(UTC).replace(tzinfo=None) + dt.timedelta(hours=offset_hours) - minus


H71, H72_10 = dt.timedelta(hours=71), dt.timedelta(hours=72, minutes=10)


def codigo_40(sb: Sandbox, fecha: dt.datetime, lugar: str, tag: str) -> str:
    return timbrado40(sb, cfdi40_xml(sealed(tag), fecha=fecha, lugar=lugar, folio=tag)).xml()["codigo"]


def test_fecha_is_local_time_of_the_lugar_expedicion(sb: Sandbox) -> None:
    # Cancún (Quintana Roo, UTC−5 all year), two minutes after issue: 58 minutes ahead of CDMX.
    assert codigo_40(sb, local(-5, dt.timedelta(minutes=2)), "77500", "c1") == "0"
    assert codigo_40(sb, local(-5, dt.timedelta(minutes=2)), "06000", "c2") == "401"
    assert codigo_40(sb, local(-5, H72_10), "77500", "c3") == "401"
    # Tijuana (Baja California, UTC−8, −7 with US summer time), 71 h after issue: 73 h in CDMX.
    # 71 h at −8 is 70 h at −7: accepted in either season.
    assert codigo_40(sb, local(-8, H71), "22000", "t1") == "0"
    assert codigo_40(sb, local(-8, H71), "06000", "t2") == "401"
    # Hermosillo (Sonora, UTC−7 all year), 71 h 30 min after issue.
    assert codigo_40(sb, local(-7, dt.timedelta(hours=71, minutes=30)), "83000", "h1") == "0"
    assert codigo_40(sb, local(-7, dt.timedelta(hours=71, minutes=30)), "06000", "h2") == "401"
    assert codigo_40(sb, local(-7, H72_10), "83000", "h3") == "401"
    # CDMX: the edges themselves.
    assert codigo_40(sb, local(-6, dt.timedelta(minutes=-4)), "06000", "m1") == "0"
    assert codigo_40(sb, local(-6, dt.timedelta(minutes=-10)), "06000", "m2") == "401"


@pytest.mark.parametrize("lugar", ["", "ABCDE", "6000", "00999", "060000"])
def test_an_unknown_postal_code_gets_the_tolerant_rule(sb: Sandbox, lugar: str) -> None:
    assert codigo_40(sb, local(-5, dt.timedelta(minutes=2)), lugar, "u1") == "0"
    assert codigo_40(sb, local(-8, H71), lugar, "u2") == "0"
    assert codigo_40(sb, local(-8, H72_10), lugar, "u3") == "401"  # too old even in Tijuana
    assert codigo_40(sb, local(-5, dt.timedelta(minutes=-10)), lugar, "u4") == "401"  # ahead even in Cancún


def test_the_40_csv_takes_its_lugar_expedicion(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)

    def process(fecha: dt.datetime, lugar: str, folio: str) -> str:
        lines = [CSV40_INVOICE[0].replace("|06000|", f"|{lugar}|"), *CSV40_INVOICE[1:]]
        text = "\n".join(lines).format(folio=folio, fecha=fecha.strftime("%Y-%m-%dT%H:%M:%S"))
        return process40(sb, base64.b64encode(text.encode()).decode(), "CALCULAR_SELLO")["codigo"]

    assert process(local(-5, dt.timedelta(minutes=2)), "77500", "1") == "0"
    assert process(local(-5, dt.timedelta(minutes=2)), "06000", "2") == "401"


def test_the_2020_interchange_reads_lugar_expedicion_from_its_eleventh_field(sb: Sandbox) -> None:
    def stamp_2020(fecha: dt.datetime, lugar: str | None) -> str:
        head = f"CFDI|3.3|A|1|{fecha:%Y-%m-%dT%H:%M:%S}" + ("" if lugar is None else f"|01|1000.00|MXN|I|PUE|{lugar}")
        query = [("contrato", CONTRATO), ("prueba", "false"), ("datos", csv_datos(head=head))]
        answer = cfdi(sb, "procesarArchivo", query).xml()
        if answer["codigo"] == "0":  # the stamped 3.3 says where it was issued
            root = ET.fromstring(base64.b64decode(answer["xmlBase64"]))
            assert root.get("LugarExpedicion") == (lugar or "06000")
        return answer["codigo"]

    assert stamp_2020(local(-8, H71), "22000") == "0"
    assert stamp_2020(local(-8, H71), "06000") == "401"
    assert stamp_2020(local(-8, H71), None) == "0"  # no postal code: the tolerant rule
    assert stamp_2020(local(-8, H72_10), None) == "401"


@pytest.mark.parametrize(
    "lugar,offsets",
    [
        ("06000", (-6, -6)),
        ("77500", (-5, -5)),
        ("23000", (-7, -7)),
        ("80000", (-7, -7)),
        ("82000", (-7, -7)),
        ("83000", (-7, -7)),
        ("85000", (-7, -7)),
        ("63000", (-7, -7)),
        ("63732", (-7, -6)),  # 637xx: Compostela (−7) and Bahía de Banderas (−6)
        ("86000", (-6, -6)),
        ("31000", (-6, -6)),
        ("20000", (-6, -6)),
        ("24000", (-6, -6)),
        ("x", (-8, -5)),
        (None, (-8, -5)),
    ],
)
def test_the_zone_of_each_postal_code(lugar: str | None, offsets: tuple[int, int]) -> None:
    assert fecha_offsets(lugar, dt.datetime(2026, 7, 1, 12)) == offsets
    assert fecha_offsets(lugar, dt.datetime(2026, 1, 15, 12)) == offsets


@pytest.mark.parametrize(
    "when,offsets",
    [
        ("2026-01-15T12:00:00", (-8, -8)),
        ("2026-07-01T12:00:00", (-7, -7)),
        ("2026-03-08T01:59:59", (-8, -8)),  # the second Sunday of March: 02:00 becomes 03:00
        ("2026-03-08T02:30:00", (-8, -7)),  # a time that does not exist there: either
        ("2026-03-08T03:00:00", (-7, -7)),
        ("2026-11-01T00:59:59", (-7, -7)),  # the first Sunday of November: 02:00 becomes 01:00
        ("2026-11-01T01:30:00", (-8, -7)),  # a time that happens twice: either
        ("2026-11-01T02:00:00", (-8, -8)),
        ("2027-03-14T03:00:00", (-7, -7)),
        ("2027-03-13T12:00:00", (-8, -8)),
    ],
)
def test_baja_california_keeps_the_us_summer_time(when: str, offsets: tuple[int, int]) -> None:
    local_time = dt.datetime.fromisoformat(when)
    assert fecha_offsets("21000", local_time) == offsets and fecha_offsets("22000", local_time) == offsets


def test_the_window_edges() -> None:
    now = dt.datetime(2026, 7, 1, 18, tzinfo=UTC)
    cdmx = dt.datetime(2026, 7, 1, 12)
    assert cfdi_check_fecha(cdmx - dt.timedelta(hours=72), "06000", now) is None
    assert cfdi_check_fecha(cdmx - dt.timedelta(hours=72, seconds=1), "06000", now) == (
        401,
        "la fecha tiene más de 72 horas",
    )
    assert cfdi_check_fecha(cdmx + dt.timedelta(minutes=5), "06000", now) is None
    assert cfdi_check_fecha(cdmx + dt.timedelta(minutes=5, seconds=1), "06000", now) == (
        401,
        "la fecha es posterior a la actual",
    )
    assert cfdi_check_fecha(cdmx + dt.timedelta(hours=1), "77500", now) is None
    assert cfdi_check_fecha(cdmx + dt.timedelta(hours=3), None, now) is not None
    assert cfdi_check_fecha(cdmx + dt.timedelta(hours=3), None, now, future=False) is None  # the 2020 path
