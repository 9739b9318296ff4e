"""scripts/clear-stale-modules.sh, which `make deps` runs before every build: the C shims' cached
module is removed from every scratch path when a shim file is newer than it (a header added by an
in-place update otherwise breaks every build with "cannot find 'textshim_…' in scope"), and kept
when it was built after them; nothing else in the cache is touched."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "clear-stale-modules.sh"
MODULES = [
    ".build/x86_64-unknown-linux-gnu/release/ModuleCache/H1/CSelloShims-A1.pcm",
    ".build-fuzz/x86_64-unknown-linux-gnu/debug/ModuleCache/H2/CSelloShims-B2.pcm",
]
OTHER = ".build/x86_64-unknown-linux-gnu/release/ModuleCache/H1/CCurl-C3.pcm"


def checkout(tmp_path: pathlib.Path, module_age: float, header_age: float) -> pathlib.Path:
    """A checkout with the script, one shim header and cached modules, ages in seconds."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts")
    header = tmp_path / "Sources/CSelloShims/include/new_shims.h"
    header.parent.mkdir(parents=True)
    header.write_text("static inline int newshim_probe(void) { return 1; }\n")
    now = header.stat().st_mtime
    os.utime(header, (now - header_age, now - header_age))
    for relative in [*MODULES, OTHER]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"pcm")
        os.utime(path, (now - module_age, now - module_age))
    return tmp_path


def run(root: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(root / "scripts" / SCRIPT.name)], capture_output=True, text=True, check=True)


def test_a_module_older_than_a_shim_header_is_removed_from_every_scratch_path(tmp_path: pathlib.Path) -> None:
    root = checkout(tmp_path, module_age=3600, header_age=10)
    done = run(root)
    assert [path for path in MODULES if (root / path).exists()] == []
    assert (root / OTHER).exists(), "another library's module was removed"
    assert done.stderr.count("removed:") == 2 and "CSelloShims-A1.pcm" in done.stderr


def test_a_module_built_after_the_headers_is_kept(tmp_path: pathlib.Path) -> None:
    root = checkout(tmp_path, module_age=10, header_age=3600)
    done = run(root)
    assert all((root / path).exists() for path in MODULES) and done.stderr == ""


def test_a_checkout_never_built_is_left_alone(tmp_path: pathlib.Path) -> None:
    root = checkout(tmp_path, module_age=3600, header_age=10)
    for scratch in (".build", ".build-fuzz"):
        shutil.rmtree(root / scratch)
    assert run(root).stderr == ""
