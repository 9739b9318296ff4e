"""Finding and checking libsello.so: SELLO_LIB, then the package folder, then the system; a
library with another ABI version is refused. Each case runs in a fresh interpreter, because a
process loads the library once."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Dict, Optional

import pytest
from sello_fixtures import BINDING, HEADER

REAL_LIB = pathlib.Path(os.environ["SELLO_LIB"]).resolve()


def run(code: str, env_changes: Dict[str, Optional[str]], pythonpath: pathlib.Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.fixture()
def package_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the package, so that a library can be put in its folder without touching src/."""
    target = tmp_path / "site"
    shutil.copytree(BINDING / "src" / "sello", target / "sello", ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
    return target


@pytest.fixture()
def fake_library(tmp_path: pathlib.Path) -> pathlib.Path:
    """A shared library that claims ABI version 2."""
    source = tmp_path / "fake.c"
    source.write_text(
        'int sello_abi_version(void) { return 2; }\nconst char *sello_version(void) { return "9.0.0"; }\n'
    )
    library = tmp_path / "libsello-abi2.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def test_a_library_with_another_abi_version_is_refused(fake_library, package_copy) -> None:
    result = run(
        """
        import sello
        try:
            sello.check_rut("12.345.678-5")
        except sello.AbiVersionError as error:
            print("refused:", error.found, error)
    """,
        {"SELLO_LIB": str(fake_library)},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: 2 ")
    assert "ABI version 2" in result.stdout and str(fake_library) in result.stdout
    assert "knows only ABI version 1" in result.stdout


def test_sello_lib_is_used_first(package_copy) -> None:
    shutil.copy(REAL_LIB, package_copy / "sello" / "libsello.so")
    chosen = package_copy.parent / "chosen" / "libsello.so"
    chosen.parent.mkdir()
    shutil.copy(REAL_LIB, chosen)
    result = run("import sello; print(sello.library_path())", {"SELLO_LIB": str(chosen)}, package_copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(chosen)


def test_a_broken_sello_lib_is_an_error_not_a_fallback(package_copy) -> None:
    shutil.copy(REAL_LIB, package_copy / "sello" / "libsello.so")
    result = run(
        """
        import sello
        try:
            sello.version()
        except sello.LibraryError as error:
            print(error)
    """,
        {"SELLO_LIB": "/nonexistent/libsello.so"},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    assert "SELLO_LIB" in result.stdout and "/nonexistent/libsello.so" in result.stdout


def test_the_package_folder_comes_before_the_system(package_copy) -> None:
    shutil.copy(REAL_LIB, package_copy / "sello" / "libsello.so")
    result = run(
        "import sello; print(sello.library_path())",
        {"SELLO_LIB": None, "LD_LIBRARY_PATH": str(REAL_LIB.parent)},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(package_copy / "sello" / "libsello.so")


def test_the_system_library_path_is_last(package_copy) -> None:
    result = run(
        "import sello; print(sello.library_path()); print(sello.version())",
        {"SELLO_LIB": None, "LD_LIBRARY_PATH": str(REAL_LIB.parent)},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    path, version = result.stdout.split()
    assert pathlib.Path(path).resolve().name == "libsello.so" and version == HEADER.version


def test_not_found_names_the_three_places(package_copy) -> None:
    # Whatever this machine has installed, make the system search come back empty.
    result = run(
        """
        import ctypes.util
        import sello._lib as lib
        ctypes.util.find_library = lambda name: None
        real_open = lib._open
        def no_system(path):
            if "/" not in path:
                raise OSError(path + ": cannot open shared object file")
            return real_open(path)
        lib._open = no_system
        import sello
        try:
            sello.version()
        except sello.LibraryError as error:
            print(error)
    """,
        {"SELLO_LIB": None, "LD_LIBRARY_PATH": None},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    message = result.stdout
    assert "SELLO_LIB" in message and "package folder" in message and "system" in message
    assert str(package_copy / "sello" / "libsello.so") in message
    # The hint names what a wheel, sdist or package user has, not the checkout's scripts/install.sh.
    assert "scripts/install.sh" not in message
    assert "SELLO_LIB=/path/to/libsello.so" in message and ".whl" in message and "libsello0 .deb" in message


def library_error(package_copy: pathlib.Path, sello_lib: str) -> str:
    result = run(
        """
        import sello
        try:
            sello.version()
        except sello.LibraryError as error:
            print(error)
    """,
        {"SELLO_LIB": sello_lib},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_library_whose_dependency_is_missing_says_to_run_ldd(tmp_path, package_copy) -> None:
    (tmp_path / "dep.c").write_text("int sello_dep(void) { return 1; }\n")
    (tmp_path / "lib.c").write_text("int sello_dep(void);\nint sello_abi_version(void) { return sello_dep(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "libselldep.so", tmp_path / "dep.c"], check=True)
    library = tmp_path / "lonely" / "libsello.so"
    library.parent.mkdir()
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", library, tmp_path / "lib.c", f"-L{tmp_path}", "-lselldep"], check=True
    )
    (tmp_path / "libselldep.so").unlink()
    message = library_error(package_copy, str(library))
    assert "libselldep.so" in message and f"ldd {library}" in message, message


def test_a_directory_as_sello_lib_is_named_so(tmp_path, package_copy) -> None:
    message = library_error(package_copy, str(tmp_path))
    assert str(tmp_path) in message and "is a directory" in message, message


def test_load_library_with_an_explicit_path(package_copy) -> None:
    result = run(
        f"import sello; print(sello.load_library({str(REAL_LIB)!r})); print(sello.abi_version())",
        {"SELLO_LIB": None},
        package_copy,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(REAL_LIB), "1"]
