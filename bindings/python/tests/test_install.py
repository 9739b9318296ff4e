"""A fresh virtualenv can `pip install bindings/python`, import sello and call the library.

Offline first: `pip install --no-index --no-build-isolation` with the build backend the venv
already has, when it is recent enough: setuptools 77 or later (the SPDX `license` expression of
PEP 639), with bdist_wheel (setuptools 70.1+, or the `wheel` package). Otherwise — a venv's own
setuptools is usually older — an ordinary `pip install`, which fetches the build backend named in
pyproject.toml from the configured index.
"""

from __future__ import annotations

import glob
import os
import pathlib
import shutil
import subprocess
import sys
import venv

from sello_fixtures import BINDING, HEADER


def pip(python: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def can_build_wheels(python: pathlib.Path) -> bool:
    probe = (
        "import importlib.util, sys\n"
        "import setuptools\n"
        "ok = importlib.util.find_spec('wheel') is not None or "
        "importlib.util.find_spec('setuptools.command.bdist_wheel') is not None\n"
        "ok = ok and int(setuptools.__version__.split('.')[0]) >= 77\n"
        "sys.exit(0 if ok else 1)"
    )
    return subprocess.run([str(python), "-c", probe]).returncode == 0


def local_wheel_of_wheel() -> str | None:
    """A `wheel-*.whl` already on this machine (pip find-links folders, SELLO_WHEELHOUSE)."""
    folders = [
        os.environ.get("SELLO_WHEELHOUSE", ""),
        os.environ.get("PIP_FIND_LINKS", ""),
        "/opt/wheels",
        "/usr/share/python-wheels",
    ]
    for folder in filter(None, folders):
        found = sorted(glob.glob(os.path.join(folder, "wheel-*.whl")))
        if found:
            return found[-1]
    return None


def test_a_fresh_virtualenv_installs_and_imports_the_package(tmp_path) -> None:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(environment)
    python = environment / "bin" / "python"
    # Installed from a copy: an in-tree build would leave build/ and *.egg-info in the sources.
    source = str(tmp_path / "source")
    shutil.copytree(
        BINDING,
        source,
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache", "tests", "*.so*"),
    )
    # Built from a checkout (no library in it), the wheel is the binding alone: pure Python.

    if not can_build_wheels(python):
        wheel = local_wheel_of_wheel()
        if wheel:
            assert pip(python, "install", "--no-index", wheel).returncode == 0
    if can_build_wheels(python):
        installed = pip(python, "install", "--no-index", "--no-build-isolation", source)
        how = "offline"
    else:
        installed = pip(python, "install", source)
        how = "with the build backend from the index"
    assert installed.returncode == 0, (
        f"pip install ({how}) failed:\n{installed.stdout[-3000:]}\n{installed.stderr[-3000:]}"
    )

    check = subprocess.run(
        [
            str(python),
            "-c",
            "import sello, pathlib; "
            "assert pathlib.Path(sello.__file__).parent.joinpath('py.typed').exists(); "
            "assert not list(pathlib.Path(sello.__file__).parent.glob('libsello.so*')); "
            "print(sello.__file__); print(sello.version(), sello.check_rut('12.345.678-5')['normalized'])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
        env={**os.environ, "SELLO_LIB": os.environ["SELLO_LIB"], "PYTHONPATH": ""},
    )
    assert check.returncode == 0, check.stderr
    where, version, normalized = check.stdout.split()
    assert str(environment) in where, "sello was not imported from the virtualenv"
    assert (version, normalized) == (HEADER.version, "12345678-5")
    shown = pip(python, "show", "libsello")
    assert f"Version: {HEADER.version}" in shown.stdout


def test_the_package_metadata() -> None:
    if sys.version_info >= (3, 11):
        import tomllib

        with open(BINDING / "pyproject.toml", "rb") as handle:
            pyproject = tomllib.load(handle)
        project = pyproject["project"]
        assert (project["name"], project["dynamic"], project["requires-python"]) == ("libsello", ["version"], ">=3.9")
        # The version is the header's, through the generated sello._abi (Tests/header checks it is current).
        assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sello._abi.VERSION"}
        assert project["license"] == "LicenseRef-Proprietary"
    assert (BINDING / "src" / "sello" / "py.typed").exists()
