"""The Debian packages: contents and fields read with dpkg-deb; every library libsello needs is
provided by a package its Depends names; then a real `dpkg -i` of both packages — in a mount
namespace whose /usr, /etc and /var/lib/dpkg are overlays, so the host is never changed — and a
C program built with plain `pkg-config --cflags --libs sello` against the installed files,
issuing a certificate from the sandbox."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
from typing import Dict, Set

import pytest

from dist_support import OBTAIN_PATH, ROOT, VERSION, Sandbox, artifact, needs_namespaces, run, user_env

MAJOR = VERSION.split(".")[0]
FULL = f"{VERSION}-1"
MULTIARCH = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], capture_output=True, text=True).stdout.strip() \
    or "x86_64-linux-gnu"
LIBDIR = f"./usr/lib/{MULTIARCH}"


def fields(deb: pathlib.Path) -> Dict[str, str]:
    text = run(["dpkg-deb", "-f", deb], cwd=deb.parent).stdout
    return {key: value.strip() for key, value in re.findall(r"^([A-Za-z-]+):(.*)$", text, re.M)}


def contents(deb: pathlib.Path) -> Set[str]:
    lines = run(["dpkg-deb", "-c", deb], cwd=deb.parent).stdout.splitlines()
    return {" ".join(line.split()[5:]) for line in lines if not line.split()[5].endswith("/")}


@pytest.fixture(scope="module")
def runtime() -> pathlib.Path:
    return artifact(f"libsello{MAJOR}_{FULL}_*.deb")


@pytest.fixture(scope="module")
def dev() -> pathlib.Path:
    return artifact(f"libsello-dev_{FULL}_*.deb")


def test_the_runtime_package(runtime: pathlib.Path, tmp_path: pathlib.Path) -> None:
    info = fields(runtime)
    assert (info["Package"], info["Version"], info["Section"], info["Multi-Arch"]) == (f"libsello{MAJOR}", FULL, "libs", "same")
    assert info["Architecture"] == subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    # The services' default URLs are public HTTPS: a slim image without the CA bundle fails every
    # call (libcurl4's Recommends of it is not installed with --no-install-recommends).
    assert "ca-certificates" in info["Depends"].split(", "), info
    assert contents(runtime) == {
        f"{LIBDIR}/libsello.so.{VERSION}", f"{LIBDIR}/libsello.so.{MAJOR} -> libsello.so.{VERSION}",
        f"./usr/share/doc/libsello{MAJOR}/copyright"}
    run(["dpkg-deb", "-e", runtime, tmp_path / "control"], cwd=tmp_path)
    assert (tmp_path / "control" / "shlibs").read_text().strip() == f"libsello {MAJOR} libsello{MAJOR} (>= {VERSION})"
    assert "ldconfig" in (tmp_path / "control" / "triggers").read_text()

    run(["dpkg-deb", "-x", runtime, tmp_path / "root"], cwd=tmp_path)
    library = tmp_path / "root" / LIBDIR / f"libsello.so.{VERSION}"
    dynamic = run(["readelf", "-d", library], cwd=tmp_path).stdout
    assert f"Library soname: [libsello.so.{MAJOR}]" in dynamic
    assert "RPATH" not in dynamic and "RUNPATH" not in dynamic
    assert ".symtab" not in run(["readelf", "-S", library], cwd=tmp_path).stdout, "not stripped"


def test_depends_names_a_package_for_every_library_it_links(runtime: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Each NEEDED library is found on this system and belongs to a package Depends names, with
    a minimum version (dpkg-shlibdeps' work, checked independently)."""
    depends = {part.split()[0]: part for part in fields(runtime)["Depends"].split(", ")}
    # ca-certificates is named for its data, not for a library: any version does.
    assert all("(>=" in constraint for name, constraint in depends.items() if name != "ca-certificates"), depends
    for package in ("libc6", "libcurl4", "libssl3", "libxml2"):
        assert package in depends, depends
    run(["dpkg-deb", "-x", runtime, tmp_path], cwd=tmp_path)
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", run(["readelf", "-d", tmp_path / LIBDIR / f"libsello.so.{VERSION}"],
                                                    cwd=tmp_path).stdout)
    for soname in needed:
        path = os.path.realpath(f"/lib/{MULTIARCH}/{soname}") if soname != "ld-linux-x86-64.so.2" else "/lib64/ld-linux-x86-64.so.2"
        owners = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout \
            or subprocess.run(["dpkg", "-S", f"/lib/{MULTIARCH}/{soname}"], capture_output=True, text=True).stdout \
            or subprocess.run(["dpkg", "-S", f"/usr/lib/{MULTIARCH}/{soname}"], capture_output=True, text=True).stdout
        packages = {owner.split(":")[0] for owner in owners.split(", ") if owner}
        assert packages & set(depends), f"{soname} ({path}) belongs to {packages}, not in Depends {sorted(depends)}"


def test_the_development_package(dev: pathlib.Path) -> None:
    info = fields(dev)
    assert (info["Package"], info["Version"], info["Depends"]) == ("libsello-dev", FULL, f"libsello{MAJOR} (= {FULL})")
    assert info["Section"] == "libdevel"
    assert contents(dev) == {
        "./usr/include/sello.h", f"{LIBDIR}/pkgconfig/sello.pc", f"{LIBDIR}/libsello.so -> libsello.so.{MAJOR}",
        "./usr/share/doc/libsello-dev/copyright"}


@needs_namespaces
def test_installed_with_dpkg_and_used_by_a_c_program_through_pkg_config(runtime: pathlib.Path, dev: pathlib.Path,
                                                                       sandbox: Sandbox, tmp_path: pathlib.Path) -> None:
    layers = tmp_path / "layers"
    mounts = []
    for target in ("/usr", "/etc", "/var/lib/dpkg"):
        name = target.strip("/").replace("/", "-")
        (layers / name / "upper").mkdir(parents=True)
        (layers / name / "work").mkdir()
        mounts.append(f"mount -t overlay overlay -o lowerdir={target},upperdir={layers / name / 'upper'},"
                      f"workdir={layers / name / 'work'} {target}")
    out = tmp_path / "out"
    program = tmp_path / "fes_obtain"
    script = " && ".join(mounts + [
        f"dpkg -i {runtime} {dev}",
        f"pkg-config --modversion sello",
        # Exactly what a user types; only the example's own helper header comes from examples/.
        f"cc -std=c99 -Wall -Werror -I {ROOT}/examples/c -o {program} {ROOT}/examples/c/fes_obtain.c "
        f"$(pkg-config --cflags --libs sello)",
        f"ldd {program}",
        f"{program} {out}",
    ])
    sandbox.reset()
    done = run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], cwd=tmp_path,
               env=user_env(SELLO_SANDBOX_URL=sandbox.base))
    assert f"Setting up libsello{MAJOR}" in done.stdout and "Setting up libsello-dev" in done.stdout
    assert f"\n{VERSION}\n" in done.stdout
    assert re.search(rf"libsello\.so\.{MAJOR} => /(usr/)?lib/{MULTIARCH}/libsello\.so\.{MAJOR}", done.stdout), done.stdout
    assert "estado            OK" in done.stdout, done.stdout
    assert (out / "certificado-19371037-9.p12").stat().st_size > 1000
    assert OBTAIN_PATH in [r["path"] for r in sandbox.requests()]
    # The host was not changed.
    assert subprocess.run(["dpkg", "-s", f"libsello{MAJOR}"], capture_output=True).returncode != 0
    assert not list(pathlib.Path(f"/usr/lib/{MULTIARCH}").glob("libsello.so*"))
