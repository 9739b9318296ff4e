"""No secret in the binding's own frame locals when an exception leaves them: what error
reporters show (Sentry's include_local_variables, pytest --showlocals, rich,
traceback.TracebackException(..., capture_locals=True))."""

from __future__ import annotations

import traceback
from typing import Any, Callable, List, Type

import pytest
import sello

CLAVE = "tb-clave-" + "9GuSJCOWLX"
CERT_PASS = "tb-cert-" + "Secreta123"
PASSWORD = "tb-pass-" + "hunter22"
PROXY_PASS = "tb-proxy-" + "ProxyPassw0rd"
#: A proxy whose URL carries its password (userinfo): a secret like the others.
PROXY = f"http://proxyuser:{PROXY_PASS}@127.0.0.1:3128"
#: An obtain_certificate request, its secret passed as a keyword like any other field.
CERTIFICATE_REQUEST = {
    "rut": "19.371.037-9",
    "correo": "a@b.cl",
    "numeroDocumento": "100.123.456",
    "claveCertificado": CERT_PASS,
    "duracion": 3,
    "nombreEmpresa": "CDS",
    "comuna": "Los Ángeles",
    "direccion": "Lautaro 867",
    "giroEmpresa": "Otros",
}


def secrets_shown(call: Callable[[], Any], expected: Type[BaseException] = sello.SelloError) -> List[str]:
    """The lines of the exception's traceback, with every frame's locals, that show a secret
    (this file's own frames left out: the test's locals are the test's)."""
    with pytest.raises(expected) as caught:
        call()
    exception = caught.value
    text = "".join(traceback.TracebackException.from_exception(exception, capture_locals=True).format())
    frames = text.split("\n  File ")
    shown = [frame for frame in frames if __file__ not in frame.split("\n", 1)[0]]
    return [
        line
        for frame in shown
        for line in frame.splitlines()
        if any(s in line for s in (CLAVE, CERT_PASS, PASSWORD, PROXY_PASS))
    ]


def test_a_timed_out_obtain_certificate_shows_no_secret(sandbox, fes_config) -> None:
    sandbox.fault("delay", ms=3000)
    config = {**fes_config, "clave": CLAVE, "timeout_ms": 300, "retries": {"max": 0}}
    with sello.FES(**config) as fes:
        shown = secrets_shown(lambda: fes.obtain_certificate(**CERTIFICATE_REQUEST))
    assert shown == []


def test_call_with_a_bad_value_shows_no_secret(sandbox, cfdi_config) -> None:
    with sello.CFDI(**cfdi_config) as cfdi:
        shown = secrets_shown(lambda: cfdi.call("get_by_uuid", {"uuid": b"bytes", "keyPass": PASSWORD}))
    assert shown == []


def test_call_with_a_mistyped_operation_shows_no_secret(sandbox, fes_config) -> None:
    """The operation's name is checked after the request is sealed: the ValueError's frames
    hold no plain request (also through sello.aio, whose worker calls call())."""
    import asyncio

    import sello.aio

    with sello.FES(**fes_config) as fes:
        shown = secrets_shown(lambda: fes.call("obtain_certficate", CERTIFICATE_REQUEST), ValueError)
    assert shown == []

    async def call() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            await fes.call("obtain_certficate", CERTIFICATE_REQUEST)

    assert secrets_shown(lambda: asyncio.run(call()), ValueError) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: sello.FES(usuario="PruebaWS", clave=CLAVE, base_url="ftp://x"),
        lambda: sello.CFDI(usuario="u", password=PASSWORD, contrato="c", base_url="ftp://x"),
        lambda: sello.FirmaVirtual(login="u", password=PASSWORD, base_url="ftp://x"),
        lambda: sello.FES(usuario="PruebaWS", clave=CLAVE, base_url="ftp://x", proxy=PROXY),
        lambda: sello.CFDI(usuario="u", password=PASSWORD, contrato="c", base_url="ftp://x", proxy=PROXY),
        lambda: sello.FirmaVirtual(login="u", password=PASSWORD, base_url="ftp://x", proxy=PROXY),
    ],
)
def test_a_bad_configuration_shows_no_secret(make: Callable[[], Any]) -> None:
    assert secrets_shown(make) == []


def test_sello_aio_shows_no_secret(sandbox, fes_config, cfdi_config) -> None:
    """The same through sello.aio: the coroutine, the pool thread's frames and the worker's."""
    import asyncio

    import sello.aio

    sandbox.fault("delay", ms=3000)
    config = {**fes_config, "clave": CLAVE, "timeout_ms": 300, "retries": {"max": 0}}

    async def obtain() -> None:
        async with sello.aio.FES(**config) as fes:
            await fes.obtain_certificate(**CERTIFICATE_REQUEST)

    async def call() -> None:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            await cfdi.call("get_by_uuid", {"uuid": b"bytes", "keyPass": PASSWORD})

    assert secrets_shown(lambda: asyncio.run(obtain())) == []
    assert secrets_shown(lambda: asyncio.run(call())) == []
    assert secrets_shown(lambda: sello.aio.FES(usuario="PruebaWS", clave=CLAVE, base_url="ftp://x")) == []
