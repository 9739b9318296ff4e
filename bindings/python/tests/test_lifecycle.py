"""A client's handle has one owner: copying, deep-copying or pickling a client is refused (a copy
would free the same C handle a second time). Each copy runs in a child process, because before
the fix the second free crashed the interpreter (SIGILL), which must fail the test, not the run."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import weakref
from typing import Any, Dict, List

import pytest
import sello
from sello_fixtures import FES_REQUEST

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


# -- close() from inside one of the client's own callbacks ------------------------------------------

CLOSE_IN_CALLBACK = r"""
import json, sys, threading, sello
mode, config, request = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
events = []
other_inside, main_done = threading.Event(), threading.Event()

def on_log(level, message):
    if "→ POST" not in message:
        return
    if threading.current_thread().name == "other":
        other_inside.set()
        main_done.wait()  # keeps the other call in flight until the main one has returned
        return
    client.close()  # inside the main thread's own call: waiting for it would hang forever
    events.append(f"close() returned, closed={client.closed}")
    try:
        client.obtain_certificate(**request)
    except sello.InvalidArgumentError as exc:
        events.append(f"new call: {exc.code}")

client = sello.FES(**config, on_log=on_log, log_level=0)
real = client._lib.function

def function(name):
    target = real(name)
    def spy(*args):
        result = target(*args)
        events.append(name)
        return result
    return spy if name in ("fes_client_free", "fes_obtain_certificate") else target

client._lib.function = function

def other_call():
    events.append("other: " + client.obtain_certificate(**request)["estado"])

if mode == "two threads":
    other = threading.Thread(target=other_call, name="other")
    other.start()
    other_inside.wait()
events.append("main: " + client.obtain_certificate(**request)["estado"])
main_done.set()
if mode == "two threads":
    other.join()
print(json.dumps(events))
"""


def _close_in_callback(mode: str, config: Dict[str, Any]) -> List[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLOSE_IN_CALLBACK, mode, json.dumps(config), json.dumps(FES_REQUEST)],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("close() from the client's own callback hung (the child was killed after 60 s)", pytrace=False)
    assert done.returncode == 0, f"the child died ({done.returncode}): {done.stdout}{done.stderr}"
    return list(json.loads(done.stdout))


def test_close_from_the_clients_own_callback_frees_the_handle_when_the_call_ends(sandbox, fes_config) -> None:
    assert _close_in_callback("one thread", fes_config) == [
        "close() returned, closed=True",
        "new call: CLIENT_CLOSED",
        "fes_obtain_certificate",
        "fes_client_free",  # after the C call returned, before the Python call does
        "main: OK",
    ]


def test_close_from_a_callback_waits_for_the_last_call_in_flight(sandbox, fes_config) -> None:
    assert _close_in_callback("two threads", fes_config) == [
        "close() returned, closed=True",
        "new call: CLIENT_CLOSED",
        "fes_obtain_certificate",
        "main: OK",  # the other thread's call is still in flight: the handle stays
        "fes_obtain_certificate",
        "fes_client_free",
        "other: OK",
    ]


# -- replaced callbacks are let go -------------------------------------------------------------------


class Reporter:
    """A callback as a worker makes one per job, holding what the job holds."""

    def __init__(self) -> None:
        self.payload = bytearray(10_000)
        self.calls = 0

    def __call__(self, *args: Any) -> None:
        self.calls += 1


def _alive(references: List["weakref.ref[Reporter]"]) -> int:
    gc.collect()
    return sum(reference() is not None for reference in references)


def test_replaced_callbacks_are_released_when_set_returns(fv_config) -> None:
    fv = sello.FirmaVirtual(**fv_config)
    replaced: List["weakref.ref[Reporter]"] = []
    for _ in range(2000):
        progress, log = Reporter(), Reporter()
        replaced += [weakref.ref(progress), weakref.ref(log)]
        fv.set_progress(progress)
        fv.set_log(log, sello.LOG_DEBUG)
        del progress, log
    assert len(fv._retired) == 0
    assert _alive(replaced) == 2  # only the two set last
    assert replaced[-1]() is not None and replaced[-2]() is not None
    fv.set_progress(None)
    fv.log_to_logging()
    assert _alive(replaced) == 0
    fv.close()


def test_callbacks_replaced_from_inside_a_call_are_kept_until_it_ends(sandbox, fes_config) -> None:
    """set_* from inside the client's own callback returns at once, without waiting for other
    threads in the old callback: the replaced ones stay until the calls in flight end."""
    fes = sello.FES(**fes_config)
    replaced: List["weakref.ref[Reporter]"] = []
    during: List[int] = []

    def on_log(level: int, message: str) -> None:
        for _ in range(200):
            progress = Reporter()
            replaced.append(weakref.ref(progress))
            fes.set_progress(progress)
        fes.set_log(Reporter(), sello.LOG_DEBUG)  # replaces the very callback that is running
        during.append(_alive(replaced))

    fes.set_log(on_log, sello.LOG_DEBUG)
    assert fes.obtain_certificate(**FES_REQUEST)["estado"] == "OK"
    assert during == [200]  # one line reached on_log; every replaced callback alive during the call
    assert _alive(replaced) == 1 and replaced[-1]() is not None
    assert len(fes._retired) == 0
    fes.close()


def test_callbacks_set_at_once_on_two_threads_are_both_kept_until_a_later_set(monkeypatch, cfdi_config) -> None:
    """Two set_progress at once may reach the library in either order: neither is let go until a
    set_progress that ran alone says which one the library holds."""
    cfdi = sello.CFDI(**cfdi_config)
    real = cfdi._lib.function
    first_inside, second_done = threading.Event(), threading.Event()

    def function(name: str) -> Any:
        target = real(name)
        if name != "cfdi_client_set_progress" or threading.current_thread().name != "first":
            return target

        def held_up(*args: Any) -> None:
            target(*args)
            first_inside.set()
            second_done.wait()  # the second set_progress runs and returns meanwhile

        return held_up

    monkeypatch.setattr(cfdi._lib, "function", function)
    first, second = Reporter(), Reporter()
    refs = [weakref.ref(first), weakref.ref(second)]
    thread = threading.Thread(target=cfdi.set_progress, args=(first,), name="first")
    thread.start()
    first_inside.wait()
    cfdi.set_progress(second)
    second_done.set()
    thread.join()
    del first, second
    assert _alive(refs) == 2  # the library holds one of them, and nothing says which
    cfdi.set_progress(None)
    assert _alive(refs) == 0
    cfdi.close()
