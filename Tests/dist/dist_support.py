"""Helpers for `make test-dist` (Tests/dist): each artifact of dist/ installed and used as a user
would meet it, against the sandbox, with the source tree out of reach (no SELLO_LIB, no
PYTHONPATH, run from temporary folders; only the driver — this process — knows where the
checkout is)."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = pathlib.Path(os.environ.get("SELLO_DIST", ROOT / "dist"))
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(ROOT / "Tests" / "support"))

from control import Sandbox, make_self_signed  # noqa: E402
from sello_fixtures import FES_OBTAIN as OBTAIN_PATH, FES_REQUEST, FES_USER  # noqa: E402,F401  (the shared data)

VERSION = ".".join(re.search(rf"#define SELLO_VERSION_{part} (\d+)", (ROOT / "include" / "sello.h").read_text()).group(1)
                   for part in ("MAJOR", "MINOR", "PATCH"))


def artifact(pattern: str) -> pathlib.Path:
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {DIST} (make dist), found {[p.name for p in found]}"
    return found[0]


def user_env(**extra: str) -> Dict[str, str]:
    """A user's environment: nothing that points into the checkout or at a library."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SELLO_LIB", "PYTHONPATH", "LD_LIBRARY_PATH", "SELLO_FFI_HEADER", "PKG_CONFIG_PATH",
                                  "VIRTUAL_ENV", "PYTHONHOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE")}
    environment.update(extra)
    return environment


def run(command: Sequence[str], cwd: pathlib.Path, env: Optional[Dict[str, str]] = None,
        timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=str(cwd), env=env if env is not None else user_env(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def with_etc_ssl(files: Dict[str, pathlib.Path], command: List[str]) -> List[str]:
    """`command` in its own mount namespace whose /etc/ssl is a fresh tmpfs holding only `files`
    (name -> source): libcurl's built-in Debian bundle is really gone, as on another
    distribution. Root only; the host's /etc/ssl is never touched."""
    setup = ["mount -t tmpfs -o mode=0755 sello-dist-test /etc/ssl"]
    for name, source in files.items():
        setup.append(f'mkdir -p "$(dirname /etc/ssl/{name})" && cp "{source}" "/etc/ssl/{name}"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", " && ".join(setup) + ' && exec "$@"', "sh",
            *command]


needs_namespaces = pytest.mark.skipif(os.geteuid() != 0, reason="hiding /etc/ssl needs root (unshare --mount)")
