"""Test helper for the sello sandbox: start it, stop it, read its request log, queue faults.

Standard library only (urllib), importable from tests in any directory::

    from sandbox.control import Sandbox          # or: sys.path.insert(0, "sandbox"); from control import Sandbox

    with Sandbox.start() as sb:
        sb.fault("status", status=503, retry_after=2, prefix="/servicio")
        ...                                    # point the client at sb.fes_url / sb.fv_url / sb.cfdi_url
        assert sb.stats()["connections"] == 1
        print(sb.requests("/servicio"))
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().with_name("sello_sandbox.py")
FES_PATH = "/generateFES/rest-services/public/generateFes"
CFDI_PATH = "/servicio/rest"


class SandboxError(RuntimeError):
    """The sandbox did not start, or a control call failed."""


def make_self_signed(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for localhost / 127.0.0.1 / ::1 (openssl CLI)."""
    cert, key = directory / "tls-cert.pem", directory / "tls-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Sandbox:
    """A running sandbox subprocess and a urllib client for its /_sandbox control API."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        host: str,
        port: int,
        ca_file: Path | None,
        workdir: Path,
        log_path: Path,
    ) -> None:
        self.process = process
        self.host = host
        self.port = port
        self.ca_file = ca_file  # the server certificate when started with TLS
        self.log_path = log_path  # the server's stderr
        self._workdir = workdir
        scheme = "https" if ca_file else "http"
        netloc = f"[{host}]" if ":" in host else host
        self.base = f"{scheme}://{netloc}:{port}"
        self.fes_url = self.base + FES_PATH
        self.fv_url = self.base
        self.cfdi_url = self.base + CFDI_PATH
        self.ssl_context = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        host: str = "127.0.0.1",
        tls: Any = None,
        data_dir: str | None = None,
        timeout: float = 30.0,
        verbose: bool = False,
    ) -> "Sandbox":
        """Spawn ``sello_sandbox.py --port 0``, read ``SANDBOX_PORT=<n>`` and wait until it answers.

        ``tls``: None for HTTP; True for a generated self-signed certificate (``.ca_file``); or a
        ``(cert_path, key_path)`` pair.
        """
        workdir = Path(tempfile.mkdtemp(prefix="sello-sandbox-ctl-"))
        ca_file: Path | None = None
        args = [sys.executable, str(SCRIPT), "--host", host, "--port", "0"]
        if tls:
            cert, key = make_self_signed(workdir) if tls is True else (Path(tls[0]), Path(tls[1]))
            args += ["--tls-cert", str(cert), "--tls-key", str(key)]
            ca_file = cert
        if data_dir:
            args += ["--data-dir", data_dir]
        if verbose:
            args.append("--verbose")
        log_path = workdir / "sandbox.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        port = cls._read_port(process, timeout, log_path)
        sandbox = cls(process, "127.0.0.1" if host == "localhost" else host, port, ca_file, workdir, log_path)
        sandbox._wait_ready(timeout)
        return sandbox

    @staticmethod
    def _read_port(process: subprocess.Popen[bytes], timeout: float, log_path: Path) -> int:
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout).decode().strip()
        except queue.Empty:
            process.kill()
            raise SandboxError("the sandbox printed no port line") from None
        if not line.startswith("SANDBOX_PORT="):
            process.wait(timeout=5)
            raise SandboxError(f"sandbox failed to start: {line!r} {log_path.read_text(errors='replace')}")
        return int(line.split("=", 1)[1])

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.get("health")
                return
            except (OSError, SandboxError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SandboxError("the sandbox did not become ready") from None
                time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait, SIGKILL as a last resort; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self._workdir, ignore_errors=True)
        return self.process.returncode

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- control API ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None) -> Any:
        url = self.base + "/_sandbox/" + path.lstrip("/")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30, context=self.ssl_context) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise SandboxError(f"{method} {path}: HTTP {exc.code} {exc.read().decode(errors='replace')}") from None

    def get(self, path: str) -> Any:
        """GET /_sandbox/<path>."""
        return self._call("GET", path)

    def control(self, path: str, body: Any = None) -> Any:
        """POST /_sandbox/<path> with a JSON body."""
        return self._call("POST", path, {} if body is None else body)

    def requests(self, path_prefix: str | None = None) -> list[dict[str, Any]]:
        """Recorded service requests, in order (optionally only those whose path starts with the prefix)."""
        query = "?" + urllib.parse.urlencode({"prefix": path_prefix}) if path_prefix else ""
        return self.get("requests" + query)

    def stats(self) -> dict[str, int]:
        return self.get("stats")

    def state(self) -> dict[str, Any]:
        return self.get("state")

    def reset(self) -> None:
        self.control("reset")

    def fault(self, mode: str, **params: Any) -> dict[str, Any]:
        """Queue a fault, e.g. ``fault("delay", ms=500, prefix="/servicio", count=2)``."""
        return self.control("fault", {"mode": mode, **params})["fault"]

    def faults(self) -> list[dict[str, Any]]:
        return self.get("faults")

    def clear_faults(self) -> None:
        self.control("faults/clear")

    def fes_account(self, usuario: str, **fields: Any) -> dict[str, Any]:
        return self.control("fes/account", {"usuario": usuario, **fields})["account"]

    def cfdi_account(self, usuario: str, **fields: Any) -> dict[str, Any]:
        return self.control("cfdi/account", {"usuario": usuario, **fields})["account"]

    def cfdi_receiver(self, uuid: str, response: str) -> dict[str, Any]:
        """The receiver of a CFDI awaiting acceptance answers: "accept", "reject" or "expire"."""
        return self.control("cfdi/receiver", {"uuid": uuid, "response": response})

    def cfdi_settings(self, **settings: Any) -> dict[str, Any]:
        """e.g. ``cfdi_settings(uuid_element="uuid")``: stamp answers spell the folio ``<uuid>``."""
        return self.control("cfdi/settings", settings)

    def fv_token_ttl(self, seconds: int) -> None:
        self.control("fv/token_ttl", {"seconds": seconds})

    def fv_invalidate_tokens(self) -> None:
        self.control("fv/invalidate_tokens")

    def fv_reset_code(self, login: str) -> str:
        return self.get("fv/reset_code?" + urllib.parse.urlencode({"login": login}))["code"]

    def fv_shapes(self, **knobs: str) -> dict[str, Any]:
        """Answer shapes: express=seed|message.contract|message.contract[]|top|none,
        express_id_key=sContractID|contractID|contractId, detail_contrato=array|object,
        callback_contract=array|object, delete=seed|http204."""
        return self.control("fv/shapes", knobs)

    def fv_advance(self, contract: str, status: str, **fields: Any) -> dict[str, Any]:
        """Sets a contract's status (and sPaymentStatus); its callback is delivered before this returns."""
        return self.control("fv/advance", {"contract": contract, "status": status, **fields})

    def fv_callbacks(self) -> list[dict[str, Any]]:
        return self.get("fv/callbacks")

    def fes_style(self, **knobs: str) -> dict[str, Any]:
        """FES answers: message_key=comentario|comentarios|mensaje, error_code=int|string."""
        return self.control("fes/style", knobs)


def _main() -> None:
    """``python3 sandbox/control.py``: start a sandbox, print its URLs, run until Ctrl-C."""
    with Sandbox.start() as sb:
        print(json.dumps({"base": sb.base, "fes_url": sb.fes_url, "fv_url": sb.fv_url, "cfdi_url": sb.cfdi_url}))
        try:
            while sb.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    _main()
