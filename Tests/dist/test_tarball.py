"""The tarball as a C user meets it: unpacked anywhere, examples/c/fes_obtain.c built with
`pkg-config --cflags --libs sello` (PKG_CONFIG_PATH pointing into it) and run against the sandbox."""
from __future__ import annotations

import pathlib
import re
import tarfile

from dist_support import OBTAIN_PATH, ROOT, VERSION, Sandbox, artifact, run, user_env

MAJOR = VERSION.split(".")[0]


def test_layout(tmp_path: pathlib.Path) -> None:
    tarball = artifact(f"sello-{VERSION}-linux-*.tar.gz")
    top = tarball.name[:-len(".tar.gz")]
    with tarfile.open(tarball) as archive:
        members = {member.name: member for member in archive.getmembers()}
    assert {name for name, member in members.items() if not member.isdir()} == {
        f"{top}/lib/libsello.so.{VERSION}", f"{top}/lib/libsello.so.{MAJOR}", f"{top}/lib/libsello.so",
        f"{top}/lib/pkgconfig/sello.pc", f"{top}/include/sello.h", f"{top}/share/doc/sello/README.md"}
    assert members[f"{top}/lib/libsello.so.{MAJOR}"].linkname == f"libsello.so.{VERSION}"
    assert members[f"{top}/lib/libsello.so"].linkname == f"libsello.so.{MAJOR}"
    assert all(member.uid == 0 and member.gid == 0 for member in members.values())


def test_its_readme_builds_a_program_as_it_says(tmp_path: pathlib.Path) -> None:
    """share/doc/sello/README.md's first program and its pkg-config commands, run as written (the
    folder unpacked where the README says, /opt being replaced by a temporary folder)."""
    tarball = artifact(f"sello-{VERSION}-linux-*.tar.gz")
    run(["tar", "-C", tmp_path, "-xzf", tarball], cwd=tmp_path)
    top = tarball.name[:-len(".tar.gz")]
    readme = (tmp_path / top / "share" / "doc" / "sello" / "README.md").read_text()
    assert not re.search(r"@[A-Z]+@", readme), "a placeholder was left in the README"
    [program] = re.findall(r"```c\n(.*?)```", readme, re.S)
    (tmp_path / "app.c").write_text(program)
    commands = re.findall(r"```sh\n(.*?)```", readme, re.S)[0].replace("/opt", str(tmp_path))
    done = run(["bash", "-euc", commands], cwd=tmp_path, env=user_env())
    assert '"normalized":"12345678-5"' in done.stdout, done.stdout


def test_used_through_pkg_config_by_the_c_example(sandbox: Sandbox, tmp_path: pathlib.Path) -> None:
    tarball = artifact(f"sello-{VERSION}-linux-*.tar.gz")
    place = tmp_path / "opt"
    place.mkdir()
    run(["tar", "-C", place, "-xzf", tarball], cwd=tmp_path)
    top = place / tarball.name[:-len(".tar.gz")]
    library = top / "lib" / f"libsello.so.{VERSION}"
    dynamic = run(["readelf", "-d", library], cwd=tmp_path).stdout
    assert "RPATH" not in dynamic and "RUNPATH" not in dynamic
    assert f"[libsello.so.{MAJOR}]" in dynamic

    environment = user_env(PKG_CONFIG_PATH=str(top / "lib" / "pkgconfig"), SELLO_SANDBOX_URL=sandbox.base)
    assert run(["pkg-config", "--modversion", "sello"], cwd=tmp_path, env=environment).stdout.strip() == VERSION
    flags = run(["pkg-config", "--cflags", "--libs", "sello"], cwd=tmp_path, env=environment).stdout.split()
    libdir = run(["pkg-config", "--variable=libdir", "sello"], cwd=tmp_path, env=environment).stdout.strip()
    assert pathlib.Path(libdir).resolve() == (top / "lib").resolve()
    program = tmp_path / "fes_obtain"
    run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", ROOT / "examples" / "c", "-o", program,
         ROOT / "examples" / "c" / "fes_obtain.c", *flags, f"-Wl,-rpath,{libdir}"], cwd=tmp_path, env=environment)
    linked = run(["ldd", program], cwd=tmp_path, env=environment).stdout
    resolved = re.search(r"libsello\.so\.\d+ => (\S+)", linked)
    assert resolved and pathlib.Path(resolved.group(1)).resolve() == library.resolve(), linked

    sandbox.reset()
    out = tmp_path / "out"
    done = run([program, out], cwd=tmp_path, env=environment)
    assert "estado            OK" in done.stdout, done.stdout
    assert (out / "certificado-19371037-9.p12").stat().st_size > 1000
    assert [r["path"] for r in sandbox.requests()] == [OBTAIN_PATH]
