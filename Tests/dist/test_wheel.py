"""The wheel as a Python user meets it: `pip install libsello-*.whl` into a fresh virtualenv, used
from a folder outside the checkout with SELLO_LIB unset; then on a machine whose CA bundle is not
where the vendored (Debian-built) libcurl looks for it. Also the sdist."""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import sys
import uuid
import venv
import zipfile
from typing import Any, Dict, Iterator

import pytest

from dist_support import (FES_REQUEST, FES_USER, OBTAIN_PATH, ROOT, VERSION, Sandbox, artifact, needs_namespaces, run,
                      user_env, with_etc_ssl)

# What a user writes: issue a certificate; also report where the libraries were loaded from.
USER_SCRIPT = '''
import json, sys
import sello
config, request = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = {"library": sello.library_path(), "version": sello.version()}
try:
    with sello.FES(**config) as fes:
        result = fes.obtain_certificate(**request)
    out.update(ok=True, estado=result["estado"], saved_to=result["saved_to"],
               not_after=result["certificate_info"]["not_after"])
except sello.SelloError as error:
    out.update(ok=False, kind=error.kind, code=error.code, message=str(error))
with open("/proc/self/maps") as maps:
    out["mapped"] = sorted({line.split()[5] for line in maps if len(line.split()) >= 6 and "/lib" in line.split()[5]})
print(json.dumps(out))
'''


class Environment:
    def __init__(self, folder: pathlib.Path) -> None:
        self.folder = folder
        venv.EnvBuilder(with_pip=True, clear=True).create(folder / "venv")
        self.python = folder / "venv" / "bin" / "python"
        self.work = folder / "work"          # the user's own folder: no checkout in sight
        self.work.mkdir()
        (self.work / "issue.py").write_text(USER_SCRIPT)

    def pip(self, *args: str) -> str:
        return run([self.python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args], cwd=self.work).stdout

    def issue(self, config: Dict[str, Any], wrap: Any = None) -> Dict[str, Any]:
        # A new name each time: a certificate is never written over a file (SAVE_TO_EXISTS).
        request = {**FES_REQUEST, "save_to": str(self.work / f"cert-{uuid.uuid4().hex}.p12")}
        command = [str(self.python), "issue.py", json.dumps(config), json.dumps(request)]
        done = run(wrap(command) if wrap else command, cwd=self.work, env=user_env())
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wheel() -> pathlib.Path:
    return artifact("libsello-*.whl")


@pytest.fixture(scope="module")
def installed(wheel: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Environment]:
    environment = Environment(tmp_path_factory.mktemp("wheel"))
    copy = environment.folder / wheel.name           # installed from a copy, as a download would be
    shutil.copy(wheel, copy)
    environment.pip("install", "--no-index", str(copy))
    yield environment


def test_the_wheel_is_tagged_for_its_platform_and_carries_the_library(wheel: pathlib.Path) -> None:
    name = wheel.name
    assert name.startswith(f"libsello-{VERSION}-py3-none-manylinux_")
    assert name.endswith("_x86_64.whl") and not name.endswith("-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(f"libsello-{VERSION}.dist-info/METADATA").decode()
        tags = archive.read(f"libsello-{VERSION}.dist-info/WHEEL").decode()
    assert "sello/libsello.so" in names and "sello/py.typed" in names
    vendored = [n for n in names if n.startswith("libsello.libs/")]
    for library in ("libcurl", "libssl", "libcrypto", "libxml2"):
        assert any(library in n for n in vendored), f"{library} is not vendored"
    assert not any(n.startswith("libsello.libs/") and ("libc.so" in n or "libstdc++" in n or "libm.so" in n)
                   for n in names), "a library of the manylinux policy was vendored"
    if os.environ.get("SELLO_WHEEL_DEPS", "minimal") == "minimal":
        # libcurl and libxml2 built without what sello never uses: nothing else comes along.
        stems = sorted(re.sub(r"-[0-9a-f]{8}\.so.*", "", n.split("/")[-1]) for n in vendored if not n.endswith("/"))
        assert stems == ["libcrypto", "libcurl", "libssl", "libxml2"], stems
    assert "Root-Is-Purelib: false" in tags and "Tag: py3-none-manylinux_" in tags
    assert "Name: libsello" in metadata and "License-Expression: LicenseRef-Proprietary" in metadata
    # The description is the binding's README: no link leads out of the wheel to ../../docs/.
    assert "](../" not in metadata and "`docs/reference.md` in sello's source repository" in metadata


def test_the_wheel_reaches_glibc_2_34(wheel: pathlib.Path) -> None:
    """RHEL 9 and its clones and Amazon Linux 2023 have glibc 2.34: the library needs nothing newer
    (Sources/CSelloShims/glibc_floor.c), nor do the libraries the wheel vendors."""
    tag = re.search(r"manylinux_(\d+)_(\d+)_x86_64", wheel.name)
    assert tag and (int(tag.group(1)), int(tag.group(2))) <= (2, 34), wheel.name


def test_a_fresh_virtualenv_issues_a_certificate(installed: Environment, sandbox: Sandbox) -> None:
    sandbox.reset()
    out = installed.issue({"base_url": sandbox.fes_url, **FES_USER})
    assert out["ok"] is True, out
    assert out["estado"] == "OK" and out["version"] == VERSION
    site = str(installed.folder / "venv")
    assert out["library"].startswith(site) and out["library"].endswith("sello/libsello.so"), out["library"]
    # libcurl, OpenSSL and libxml2 come from the wheel, not from the system.
    for library in ("libcurl", "libssl", "libcrypto", "libxml2"):
        loaded = [path for path in out["mapped"] if f"/{library}" in path]
        assert loaded and all(path.startswith(site) and "/libsello.libs/" in path for path in loaded), (library, loaded)
    p12 = pathlib.Path(out["saved_to"])
    assert p12.is_file() and p12.stat().st_size > 1000
    assert [r["path"] for r in sandbox.requests()] == [OBTAIN_PATH]


@needs_namespaces
def test_https_where_the_vendored_libcurls_bundle_does_not_exist(installed: Environment, tls_sandbox: Sandbox) -> None:
    """/etc/ssl/certs/ca-certificates.crt (where Debian's libcurl looks) is gone; the bundle is
    where SUSE keeps it, /etc/ssl/ca-bundle.pem, and holds the sandbox's certificate."""
    tls_sandbox.reset()
    cert = pathlib.Path(str(tls_sandbox.ca_file))
    config = {"base_url": tls_sandbox.fes_url, **FES_USER}
    out = installed.issue(config, wrap=lambda command: with_etc_ssl({"ca-bundle.pem": cert}, command))
    assert out["ok"] is True, out
    assert len(tls_sandbox.requests()) == 1


@needs_namespaces
def test_https_with_no_system_bundle_uses_certifi(wheel: pathlib.Path, tls_sandbox: Sandbox,
                                                 tmp_path: pathlib.Path) -> None:
    """No bundle anywhere on the system: without certifi TLS fails (nothing sent); with certifi
    installed — its bundle holding the sandbox's certificate, as a private CA added to it would —
    the binding passes it along and the call succeeds."""
    environment = Environment(tmp_path)
    environment.pip("install", "--no-index", str(wheel))
    config = {"base_url": tls_sandbox.fes_url, **FES_USER, "retries": {"max": 0}}
    empty = lambda command: with_etc_ssl({}, command)  # noqa: E731
    tls_sandbox.reset()
    out = environment.issue(config, wrap=empty)
    assert (out["ok"], out.get("code")) == (False, "TLS_FAILED"), out
    assert tls_sandbox.requests() == []

    environment.pip("install", "certifi")
    where = run([environment.python, "-c", "import certifi; print(certifi.where())"], cwd=environment.work).stdout.strip()
    assert where.startswith(str(tmp_path))
    with open(where, "a") as bundle:
        bundle.write("\n" + pathlib.Path(str(tls_sandbox.ca_file)).read_text())
    out = environment.issue(config, wrap=empty)
    assert out["ok"] is True, out
    assert len(tls_sandbox.requests()) == 1


def test_the_sdist_installs_the_binding_alone(tmp_path: pathlib.Path) -> None:
    sdist = artifact(f"libsello-{VERSION}.tar.gz")
    environment = Environment(tmp_path)
    environment.pip("install", str(sdist))            # the build backend comes from the index
    done = run([environment.python, "-c", "import sello, pathlib; print(pathlib.Path(sello.__file__).parent)"],
               cwd=environment.work)
    package = pathlib.Path(done.stdout.strip())
    assert (package / "py.typed").is_file() and not list(package.glob("libsello.so*"))
    shown = environment.pip("show", "libsello")
    assert f"Version: {VERSION}" in shown
    assert sys.version_info >= (3, 9)


def test_the_wheels_library_passes_the_abi_suite(installed: Environment) -> None:
    """The library as the wheel ships it — stripped, with its own libcurl and libxml2 (built
    without what sello never uses) and OpenSSL — passes every ABI test the build tree's passes
    (Tests/python: each operation, each documented error, faults, TLS, secrets)."""
    site = run([installed.python, "-c", "import sello, pathlib; print(pathlib.Path(sello.__file__).parent)"],
               cwd=installed.work).stdout.strip()
    library = pathlib.Path(site) / "libsello.so"
    assert library.is_file()
    done = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", ROOT, ROOT / "Tests" / "python"],
               cwd=ROOT, env={**user_env(), "SELLO_LIB": str(library)}, timeout=900)
    summary = done.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "error" not in summary, summary
    if os.geteuid() == 0:                 # only the mount-namespace tests skip, and only without root
        assert "skipped" not in summary, summary
