"""fork(): a client made before fork() may be used in the child (include/sello.h). The synchronous
client's state is all in the library and in locks no thread holds between calls; a sello.aio
client also has a thread pool, whose threads the child does not inherit although it inherits
their bookkeeping: its calls waited forever for a thread."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import traceback
from typing import Any, Callable

import pytest
import sello
import sello.aio
from sello_fixtures import CFDI_BY_UUID, GHOST_UUID

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")


def in_child(body: Callable[[], int], timeout: float = 20) -> int:
    """Runs ``body`` in a forked child and returns its exit code; a child still running after
    ``timeout`` seconds is killed and the test fails (the parent never waits for ever)."""
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 3
        try:
            code = body()
        except BaseException:  # noqa: BLE001 - reported through the exit code
            traceback.print_exc()
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the child was still running after {timeout} s: its call never ran")
        time.sleep(0.02)


async def ask(cfdi: Any) -> int:
    """One call that reaches the sandbox: 602 (a UUID it never stamped)."""
    try:
        await cfdi.get_by_uuid(uuid=GHOST_UUID)
    except sello.ServiceError as error:
        return int(error.service_code or 0)
    return 0


def test_an_aio_client_made_before_fork_works_in_the_child(sandbox, cfdi_config) -> None:
    client = sello.aio.CFDI(**cfdi_config, max_concurrency=2)
    try:
        assert asyncio.run(ask(client)) == 602  # the pool has its threads now

        def child() -> int:
            async def main() -> int:
                code = await asyncio.wait_for(ask(client), 10)
                await asyncio.wait_for(client.close(), 10)  # nothing in flight: it closes
                return 0 if code == 602 and client.closed else 4

            return asyncio.run(main())

        assert in_child(child) == 0
        assert len(sandbox.requests(CFDI_BY_UUID)) == 2, "the child's call never reached the service"
        assert asyncio.run(ask(client)) == 602, "the parent's client goes on working"
    finally:
        asyncio.run(client.close())


def test_an_aio_client_first_used_in_the_child_works_there_and_in_the_parent(sandbox, cfdi_config) -> None:
    client = sello.aio.CFDI(**cfdi_config)
    try:
        assert in_child(lambda: 0 if asyncio.run(asyncio.wait_for(ask(client), 10)) == 602 else 4) == 0
        assert asyncio.run(ask(client)) == 602
        assert len(sandbox.requests(CFDI_BY_UUID)) == 2
    finally:
        asyncio.run(client.close())


def test_a_sync_client_made_before_fork_works_in_the_child(sandbox, cfdi_config) -> None:
    with sello.CFDI(**cfdi_config) as cfdi:

        def call() -> int:
            try:
                cfdi.get_by_uuid(uuid=GHOST_UUID)
            except sello.ServiceError as error:
                return int(error.service_code or 0)
            return 0

        assert call() == 602

        def child() -> int:
            code = call()
            cfdi.close()
            return 0 if code == 602 and cfdi.closed else 4

        assert in_child(child) == 0
        assert call() == 602
    assert len(sandbox.requests(CFDI_BY_UUID)) == 3
