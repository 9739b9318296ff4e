#!/usr/bin/env python3
"""Local sandbox for the three services that `sello` talks to.

* FES — Certificadora del Sur, certificate issuing (seed ``000_729202c9400ce098.txt``)
* WSFV — Firma Virtual (seed ``001_55af1531e51ffaff.txt``)
* CFDI — Prodigia / PADE integration API (seed ``002_d95a5fe9f9453e91.txt``)

Python 3.11 standard library only, plus the ``openssl`` command line tool for real PKCS#12
certificates.  The server binds a loopback address only, prints ``SANDBOX_PORT=<n>`` as its first
line on stdout and serves until SIGTERM/SIGINT.  See ``sandbox/README.md`` for the control API,
the fault modes and every choice made where the seeds are silent.

This file is the launcher every suite starts (``python3 sandbox/sello_sandbox.py [--host]
[--port] [--port-file] [--tls-cert --tls-key] [--data-dir] [--verbose]``); the sandbox itself is
the ``emulator`` package beside it (README, "Layout").

Comments of the form ``seed 000: ...`` name the seed passage a behaviour comes from.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The emulator package sits beside this file: importable however the launcher is started.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from emulator.server.main import main  # noqa: E402  (after the path is set)

if __name__ == "__main__":
    sys.exit(main())
