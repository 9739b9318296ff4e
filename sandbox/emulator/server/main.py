"""The server: a threading HTTP server bound to a loopback address only, its command line, and
``main()``, which sets the runtime settings, prints ``SANDBOX_PORT=<n>`` and serves until
SIGTERM/SIGINT (``sandbox/sello_sandbox.py`` runs it)."""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from emulator.core.runtime import RUNTIME
from emulator.core.values import loopback_host
from emulator.server.handler import SandboxHandler
from emulator.services.cfdi.sealer import Sealer
from emulator.services.fes.certificates import CertificateFactory
from emulator.services.fes.rules import load_comunas

SANDBOX_DIR = Path(__file__).resolve().parents[2]  # sandbox/ (this is sandbox/emulator/server/main.py)
DEFAULT_DATA_DIR = SANDBOX_DIR.parents[1] / "shared" / "data"  # ../../shared/data from the launcher


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = False

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup (getfqdn): loopback only, no network."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def handle_error(self, request: Any, client_address: Any) -> None:
        if RUNTIME.verbose:
            super().handle_error(request, client_address)


class SandboxServer6(SandboxServer):
    address_family = socket.AF_INET6


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="sello sandbox server (FES, Firma Virtual, CFDI)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (only loopback)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 for any free port")
    parser.add_argument("--port-file", help="also write the port number to this file")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--data-dir", help="directory holding chile/communes.csv (default: ../../shared/data)")
    parser.add_argument("--verbose", action="store_true", help="log requests and errors to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    stop_requested = threading.Event()
    running: list[ThreadingHTTPServer] = []

    def stop(signum: int, frame: Any) -> None:
        """SIGTERM/SIGINT: stop serving and exit 0 (also when it arrives during start-up)."""
        stop_requested.set()
        for server in running:
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    args = parse_args(argv)
    RUNTIME.verbose = args.verbose
    host = loopback_host(args.host)
    if host is None:
        sys.stderr.write(f"refusing to bind non-loopback host {args.host!r}\n")
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        sys.stderr.write("--tls-cert and --tls-key go together\n")
        return 2
    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    RUNTIME.comunas = load_comunas(data_dir)
    workdir = Path(tempfile.mkdtemp(prefix="sello-sandbox-"))
    try:
        RUNTIME.certs = CertificateFactory(workdir)
        RUNTIME.sealer = Sealer(workdir / "csd")
        server_class = SandboxServer6 if ":" in host else SandboxServer
        server = server_class((host, args.port), SandboxHandler)
        if args.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.tls_cert, args.tls_key)
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        port = server.server_address[1]
        running.append(server)
        if stop_requested.is_set():
            server.server_close()
            return 0
        if args.port_file:
            tmp = Path(args.port_file + ".tmp")
            tmp.write_text(f"{port}\n")
            tmp.replace(args.port_file)
        sys.stdout.write(f"SANDBOX_PORT={port}\n")
        sys.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
