"""Where the library finds its CA bundle when `ca_file` is not set, through the .so.

A libcurl carried to another distribution (the one the wheel vendors, built on Debian) keeps
Debian's built-in bundle path, /etc/ssl/certs/ca-certificates.crt. To play "that file does not
exist here" faithfully, each case runs in its own mount namespace (`unshare --mount`, root only)
with a fresh tmpfs over /etc/ssl: libcurl's built-in file is really gone, and the bundle sits
where another distribution keeps it, holding the certificate of a sandbox served over TLS. The
host's files are never touched. The library, libcurl and OpenSSL are the real ones.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from control import Sandbox, make_self_signed
from sello_ffi import LIB_PATH
from sello_fixtures import FES_REQUEST, FES_USER

HERE = pathlib.Path(__file__).resolve().parent
# Runs in the namespace: one FES call through raw ctypes, the envelope printed as JSON.
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from sello_ffi import Client
config = json.loads(sys.argv[2])
with Client("fes", config) as client:
    request = json.loads(sys.argv[3])
    print(json.dumps(client.call("obtain_certificate", request) if client.handle else {"new": client.error}))
"""

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs root and unshare(1) to hide /etc/ssl in a mount namespace",
)


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ca-search")
    cert, key = make_self_signed(folder)
    with Sandbox.start(tls=(cert, key)) as server:
        yield server, cert


def call_with_etc_ssl(files: dict[str, pathlib.Path], config: dict) -> dict:
    """One FES call in a mount namespace whose /etc/ssl holds only `files` (name -> source)."""
    setup = ["mount -t tmpfs -o mode=0755 sello-ca-test /etc/ssl"]
    for name, source in files.items():
        setup.append(f'mkdir -p "$(dirname /etc/ssl/{name})" && cp {source} /etc/ssl/{name}')
    script = " && ".join(setup) + ' && exec "$@"'
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE")
    }
    environment["SELLO_LIB"] = LIB_PATH
    done = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
            sys.executable,
            "-c",
            CHILD,
            str(HERE),
            json.dumps(config),
            json.dumps(FES_REQUEST),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def fes_config(server: Sandbox, **extra: object) -> dict:
    return {"base_url": server.fes_url, **FES_USER, "retries": {"max": 0}, **extra}


@pytest.mark.parametrize("place", ["ca-bundle.pem", "cert.pem"], ids=["suse", "alpine"])
def test_a_missing_builtin_bundle_is_replaced_by_the_distributions_own(tls_sandbox, place: str) -> None:
    server, cert = tls_sandbox
    server.reset()
    envelope = call_with_etc_ssl({place: cert}, fes_config(server))
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["estado"] == "OK"
    assert [r["path"] for r in server.requests()] == [
        "/generateFES/rest-services/public/generateFes/obtenerCertificado"
    ]


def test_with_no_bundle_anywhere_tls_fails_and_nothing_is_sent(tls_sandbox) -> None:
    server, _ = tls_sandbox
    server.reset()
    envelope = call_with_etc_ssl({}, fes_config(server))
    assert envelope["ok"] is False
    assert (envelope["error"]["kind"], envelope["error"]["code"]) == ("transport", "TLS_FAILED")
    assert server.requests() == []
    # The audit (r4_no_ca_bundle.sh, a debian slim without ca-certificates): the message said "set
    # ca_file for a private CA". It says there is no bundle, where it looked, and what to install.
    error = envelope["error"]
    assert error["field"] == "ca_file", error
    assert "this machine has no CA bundle" in error["message"], error
    assert "/etc/ssl/certs/ca-certificates.crt" in error["message"] and "/etc/ssl/cert.pem" in error["message"]
    assert "install the system's CA certificates (ca-certificates:" in error["message"], error
    assert "set ca_file" in error["message"] and "certifi" in error["message"], error
    assert "private CA" not in error["message"], error


def test_the_fallback_is_used_when_the_system_has_no_bundle(tls_sandbox, tmp_path) -> None:
    server, cert = tls_sandbox
    server.reset()
    fallback = tmp_path / "certifi-like.pem"
    shutil.copy(cert, fallback)
    envelope = call_with_etc_ssl({}, fes_config(server, fallback_ca_file=str(fallback)))
    assert envelope["ok"] is True, envelope
    assert len(server.requests()) == 1


def test_the_fallback_does_not_override_the_systems_bundle(tls_sandbox, tmp_path) -> None:
    """The system's bundle wins over the fallback: here it exists (and does not hold the
    sandbox's certificate), so the fallback that would have worked is not used."""
    server, cert = tls_sandbox
    server.reset()
    other, _ = make_self_signed(tmp_path)
    fallback = tmp_path / "certifi-like.pem"
    shutil.copy(cert, fallback)
    envelope = call_with_etc_ssl(
        {"certs/ca-certificates.crt": other}, fes_config(server, fallback_ca_file=str(fallback))
    )
    assert (envelope["ok"], envelope.get("error", {}).get("code")) == (False, "TLS_FAILED"), envelope
    assert server.requests() == []
    # A bundle exists, without the server's CA: the hint is ca_file for a private CA.
    assert "private CA" in envelope["error"]["message"] and "no CA bundle" not in envelope["error"]["message"]


def test_ca_file_wins_over_everything(tls_sandbox) -> None:
    server, cert = tls_sandbox
    server.reset()
    other_dir = pathlib.Path(cert).parent / "other"
    other_dir.mkdir(exist_ok=True)
    other, _ = make_self_signed(other_dir)
    envelope = call_with_etc_ssl({"ca-bundle.pem": other}, fes_config(server, ca_file=str(cert)))
    assert envelope["ok"] is True, envelope


def test_an_unreadable_fallback_is_refused_at_creation(tls_sandbox) -> None:
    server, _ = tls_sandbox
    envelope = call_with_etc_ssl({}, fes_config(server, fallback_ca_file="/nonexistent/ca.pem"))
    error = envelope["new"]["error"]
    assert (error["code"], error["field"]) == ("CA_FILE_UNREADABLE", "fallback_ca_file")
