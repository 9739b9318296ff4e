"""A client's handle has one owner: copying, deep-copying or pickling a client is refused (a copy
would free the same C handle a second time). Each copy runs in a child process, because before
the fix the second free crashed the interpreter (SIGILL), which must fail the test, not the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict

import pytest

CHILD = r"""
import copy, gc, json, pickle, sys
import sello
kind, how, config = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = getattr(sello, kind)(**config)
copies = {"copy": copy.copy, "deepcopy": copy.deepcopy, "pickle": lambda c: pickle.loads(pickle.dumps(c))}
try:
    duplicate = copies[how](client)
except TypeError as exc:
    print("refused:", exc, flush=True)
else:
    print("copied", flush=True)
    del duplicate
    gc.collect()
client.close()
print("closed", flush=True)
"""


def _run_child(kind: str, how: str, config: Dict[str, Any]) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, kind, how, json.dumps(config)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
@pytest.mark.parametrize("kind", ["FES", "FirmaVirtual", "CFDI"])
def test_a_client_cannot_be_copied(kind, how, fes_config, fv_config, cfdi_config) -> None:
    config = {"FES": fes_config, "FirmaVirtual": fv_config, "CFDI": cfdi_config}[kind]
    done = _run_child(kind, how, config)
    assert done.returncode == 0, f"the child died ({done.returncode}): {done.stdout}{done.stderr}"
    lines = done.stdout.splitlines()
    assert lines[0].startswith("refused: "), done.stdout
    assert f"a sello.{kind} client cannot be copied" in lines[0]
    assert lines[1:] == ["closed"]
