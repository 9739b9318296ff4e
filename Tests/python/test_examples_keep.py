"""The FES examples (C, Python, PHP) as users copy them: when its save_to cannot be written (the folder removed while
the request was in flight: warning WRITE_FAILED), the certificate FES issued — which it cannot give
again — is stored elsewhere by the example, not lost to a KeyError (stamp-twice review)."""

from __future__ import annotations

import base64
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys
import threading
import time

import pytest
from sello_fixtures import FES_OBTAIN

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIBRARY = pathlib.Path(os.environ.get("SELLO_LIB", ROOT / ".build" / "release" / "libsello.so")).resolve()


def example_command(language: str, tmp_path: pathlib.Path) -> list:
    """How scripts/run-examples.sh (make demo) runs the FES example in `language`."""
    if language == "python":
        return [sys.executable, str(ROOT / "examples" / "python" / "fes_obtain.py")]
    if language == "php":
        return ["php", str(ROOT / "examples" / "php" / "fes_obtain.php")]
    (tmp_path / "lib").mkdir()
    for name in ("libsello.so", "libsello.so.0"):
        (tmp_path / "lib" / name).symlink_to(LIBRARY)
    # A wheel's library finds its own libcurl and libxml2 in $ORIGIN/../libsello.libs, and $ORIGIN
    # is where it is found (the symlink's folder): the same layout next to it.
    for libs in LIBRARY.parent.parent.glob("*.libs"):
        (tmp_path / libs.name).symlink_to(libs)
    binary = tmp_path / "fes_obtain"
    subprocess.run(
        [
            "cc",
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            str(ROOT / "include"),
            "-I",
            str(ROOT / "examples" / "c"),
            "-o",
            str(binary),
            str(ROOT / "examples" / "c" / "fes_obtain.c"),
            "-L",
            str(tmp_path / "lib"),
            "-lsello",
            f"-Wl,-rpath,{tmp_path / 'lib'}",
        ],
        check=True,
    )
    return [str(binary)]


@pytest.mark.parametrize("language", ["c", "python", "php"])
def test_the_fes_example_keeps_a_certificate_it_could_not_save(sandbox, tmp_path, language: str) -> None:
    command = example_command(language, tmp_path)
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    out = tmp_path / "out"
    out.mkdir()

    def remove_when_sent() -> None:
        deadline = time.monotonic() + 20
        while not sandbox.requests(FES_OBTAIN) and time.monotonic() < deadline:
            time.sleep(0.01)
        shutil.rmtree(out)

    remover = threading.Thread(target=remove_when_sent)
    remover.start()
    env = {
        **os.environ,
        "SELLO_LIB": str(LIBRARY),  # as scripts/run-examples.sh sets it
        "SELLO_SANDBOX_URL": sandbox.base,
        "PYTHONPATH": str(ROOT / "bindings" / "python" / "src"),
    }
    done = subprocess.run(
        [*command, str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    remover.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "could not be saved" in done.stdout or "WRITE_FAILED" in done.stdout, done.stdout
    [line] = [line for line in done.stdout.splitlines() if line.strip().startswith("saved to")]
    kept = pathlib.Path(re.search(r"saved to\s+(\S+)", line).group(1))
    try:
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert len(sandbox.requests(FES_OBTAIN)) == 1  # issued once
        data = kept.read_bytes()
        if kept.suffix == ".b64":  # the C example writes the base64 text as the envelope has it
            data = base64.b64decode(data)
        assert data[:1] == b"\x30" and len(data) > 100  # the PKCS#12 (DER)
    finally:
        kept.unlink(missing_ok=True)
