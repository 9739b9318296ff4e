"""The exit codes of the `sello` command: one per group of error kinds (docs/errors.md)."""

from __future__ import annotations

from typing import Dict

OK = 0
#: the library's kind "internal", or a bug in the command itself
INTERNAL = 1
#: a wrong command line or configuration (click's own code for usage errors)
USAGE = 2
#: kinds "validation" and "invalid_argument": the input was refused locally, nothing was sent
INPUT = 3
#: kind "auth": the service refused the credentials
AUTH = 4
#: kind "service": the service answered with a business error
SERVICE = 5
#: kinds "timeout", "transport", "http", "protocol": the network or the service's answer
NETWORK = 6
#: kind "io": a local file could not be read or written
IO = 7
#: kind "cancelled" (reserved: a call cancelled in the library, API.md §6)
CANCELLED = 8
#: interrupted with Ctrl-C (128 + SIGINT)
INTERRUPTED = 130

BY_KIND: Dict[str, int] = {
    "validation": INPUT,
    "invalid_argument": INPUT,
    "auth": AUTH,
    "service": SERVICE,
    "timeout": NETWORK,
    "transport": NETWORK,
    "http": NETWORK,
    "protocol": NETWORK,
    "io": IO,
    "internal": INTERNAL,
    "cancelled": CANCELLED,
}


def for_kind(kind: str) -> int:
    """The exit code of an error kind (an unknown kind is INTERNAL)."""
    return BY_KIND.get(kind, INTERNAL)


HELP = """\b
Exit codes:
  0    success (for many items: every item succeeded)
  1    internal error (kind internal, or a bug in sello)
  2    usage: wrong command line or configuration
  3    input refused locally, nothing sent (kinds validation, invalid_argument)
  4    authentication refused by the service (kind auth)
  5    business error of the service (kind service)
  6    network or answer: kinds timeout, transport, http, protocol
  7    a local file could not be read or written (kind io)
  8    cancelled (kind cancelled; reserved)
  130  interrupted (Ctrl-C)
For many items the code is that of the first item that failed, in input order."""
