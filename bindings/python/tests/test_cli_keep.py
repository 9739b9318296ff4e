"""The `sello` command never loses what the services issued: a FES certificate that could not be
saved at --save-to is written to a fallback file (or printed as the last resort), and Ctrl-C during
a batch prints the items that finished, failed, were cancelled after their request may have reached
the service, or were never sent, before exiting 130. Against the loopback sandbox; no timed
assertions."""

from __future__ import annotations

import base64
import json
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import Any, Dict, List

import pytest
from sello_fixtures import CFDI_USER, FAST_RETRIES, FES_REQUEST, FES_USER, FV_USER, csv_text
from sello_fixtures import FES_OBTAIN as OBTAIN
from sello_fixtures import KNOWN_SECRETS as SECRETS

from .test_cli import FES_OPTIONS, base_environment, json_lines

PROCESS_FILE = "/servicio/rest/integracion/procesarArchivo"
RECEIPT = "/servicio/rest/integracion/acuseCancelacion"
UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", re.IGNORECASE)


def environment(sandbox: Any, tmp_path: pathlib.Path) -> Dict[str, str]:
    env = base_environment(tmp_path)
    env.update(
        {
            "SELLO_FES_BASE_URL": sandbox.fes_url,
            "SELLO_FES_USUARIO": FES_USER["usuario"],
            "SELLO_FES_CLAVE": FES_USER["clave"],
            "SELLO_FES_RETRIES": json.dumps(FAST_RETRIES),
            "SELLO_FES_CLAVE_CERTIFICADO": FES_REQUEST["claveCertificado"],
            "SELLO_CFDI_BASE_URL": sandbox.cfdi_url,
            "SELLO_CFDI_USUARIO": CFDI_USER["usuario"],
            "SELLO_CFDI_PASSWORD": CFDI_USER["password"],
            "SELLO_CFDI_CONTRATO": CFDI_USER["contrato"],
        }
    )
    return env


def start(args: List[str], env: Dict[str, str], cwd: pathlib.Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sello.cli", *args],
        env=env,
        cwd=str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_requests(sandbox: Any, prefix: str, count: int, process: subprocess.Popen) -> None:
    """Until the sandbox has recorded ``count`` requests under ``prefix`` (recorded before a delay
    fault holds their answers)."""
    deadline = time.monotonic() + 60
    while len(sandbox.requests(prefix)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sandbox never received the requests"
        time.sleep(0.02)


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=120)
    for secret in SECRETS:
        assert secret not in out and secret not in err, "a secret in the output of sello"
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


# -- FES: a certificate that cannot be saved at --save-to ---------------------------------------------


def obtain_while_the_folder_goes(sandbox: Any, tmp_path: pathlib.Path, env: Dict[str, str], *extra: str) -> Any:
    """sello fes obtain --save-to FOLDER/cert.p12, FOLDER removed while the request is held by the
    sandbox: the library issues the certificate and warns WRITE_FAILED."""
    folder = tmp_path / "gone"
    folder.mkdir()
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    sandbox.fault("delay", ms=3000, prefix=OBTAIN)
    process = start(["fes", "obtain", *FES_OPTIONS, "--save-to", str(folder / "cert.p12"), *extra], env, work)
    wait_for_requests(sandbox, OBTAIN, 1, process)
    shutil.rmtree(folder)
    done = finish(process)
    assert len(sandbox.requests(OBTAIN)) == 1
    assert "WRITE_FAILED" in done.stderr
    return done, work


def fallback_of(done: subprocess.CompletedProcess, directory: pathlib.Path) -> pathlib.Path:
    [written] = list(directory.glob("fes-19371037-9-*.p12"))
    assert str(written) in done.stderr.replace("\n", ""), done.stderr
    assert written.stat().st_mode & 0o777 == 0o600
    return written


@pytest.mark.parametrize("json_mode", [False, True], ids=["table", "json"])
def test_ctrl_c_after_the_certificate_was_issued_shows_it(sandbox, tmp_path, json_mode: bool) -> None:
    """SIGINT while FES holds its answer: the call runs to its end (nothing cancels it meanwhile),
    the certificate is issued and saved at --save-to, and the command shows that outcome (the file,
    or the envelope marked "interrupted") before it exits 130, instead of only "interrupted"."""
    sandbox.fault("delay", ms=1500, count=1, prefix=OBTAIN)
    target = tmp_path / "cert.p12"
    args = ["fes", "obtain", *FES_OPTIONS, "--save-to", str(target), *(["--json"] if json_mode else [])]
    process = start(args, environment(sandbox, tmp_path), tmp_path)
    wait_for_requests(sandbox, OBTAIN, 1, process)
    process.send_signal(signal.SIGINT)
    done = finish(process)
    assert done.returncode == 130 and "interrupted" in done.stderr
    assert target.stat().st_size > 100 and len(sandbox.requests(OBTAIN)) == 1
    if json_mode:
        [envelope] = json_lines(done.stdout)
        assert envelope["ok"] is True and envelope["interrupted"] is True
        assert envelope["data"]["saved_to"] == str(target)
    else:
        assert str(target) in done.stdout and "Certificado obtenido" in done.stdout, done


def test_ctrl_c_after_a_certificate_that_could_not_be_saved_keeps_it(sandbox, tmp_path) -> None:
    """The same, the --save-to folder removed meanwhile: the fallback file is written as without
    the Ctrl-C, and stderr says where."""
    folder, work = tmp_path / "gone", tmp_path / "work"
    folder.mkdir()
    work.mkdir()
    sandbox.fault("delay", ms=1500, count=1, prefix=OBTAIN)
    process = start(
        ["fes", "obtain", *FES_OPTIONS, "--save-to", str(folder / "cert.p12")], environment(sandbox, tmp_path), work
    )
    wait_for_requests(sandbox, OBTAIN, 1, process)
    shutil.rmtree(folder)
    process.send_signal(signal.SIGINT)
    done = finish(process)
    assert done.returncode == 130 and "WRITE_FAILED" in done.stderr
    assert fallback_of(done, work).stat().st_size > 100


def test_ctrl_c_during_another_call_prints_its_envelope_with_json(sandbox, tmp_path) -> None:
    """Any other subcommand: with --json the outcome of the call the Ctrl-C came during is
    printed, marked "interrupted"; without, stderr says it had ended."""
    sandbox.fault("delay", ms=1500, count=2, prefix="/api/v1/userapp/")
    env = environment(sandbox, tmp_path)
    env.update({"SELLO_FV_BASE_URL": sandbox.fv_url, "SELLO_FV_LOGIN": FV_USER["login"]})
    env["SELLO_FV_PASSWORD"] = FV_USER["password"]
    for json_mode in (True, False):
        process = start(["fv", "get-user", "1", *(["--json"] if json_mode else [])], env, tmp_path)
        wait_for_requests(sandbox, "/api/v1/userapp/", 1 + (not json_mode), process)
        process.send_signal(signal.SIGINT)
        done = finish(process)
        assert done.returncode == 130 and "interrupted" in done.stderr
        if json_mode:
            [envelope] = json_lines(done.stdout)
            assert envelope["ok"] is True and envelope["interrupted"] is True and envelope["data"]
        else:
            assert "fv.get_user had ended (ok) before the Ctrl-C" in done.stderr, done


def test_a_certificate_not_saved_is_written_to_a_fallback_file(sandbox, tmp_path) -> None:
    done, work = obtain_while_the_folder_goes(sandbox, tmp_path, environment(sandbox, tmp_path))
    assert done.returncode == 7, done.stderr  # kind io: the certificate is not where it was asked
    written = fallback_of(done, work)
    assert written.stat().st_size > 100
    shown = base64.b64encode(written.read_bytes()).decode()
    assert shown not in done.stdout and shown[:64] not in done.stdout  # saved: never printed


def test_a_certificate_not_saved_with_json_has_the_same_bytes_in_the_fallback(sandbox, tmp_path) -> None:
    done, work = obtain_while_the_folder_goes(sandbox, tmp_path, environment(sandbox, tmp_path), "--json")
    assert done.returncode == 7, done.stderr
    [envelope] = json_lines(done.stdout)
    assert envelope["ok"] is True and "saved_to" not in envelope["data"]
    assert fallback_of(done, work).read_bytes() == base64.b64decode(envelope["data"]["certificado"])


def test_a_fallback_file_never_replaces_one_there(sandbox, tmp_path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    now = time.time()
    minutes = {time.strftime("%Y%m%dT%H%M", time.gmtime(now + shift)) for shift in (0, 60)}
    taken = [work / f"fes-19371037-9-{minute}{second:02d}Z.p12" for minute in minutes for second in range(60)]
    for path in taken:
        path.write_bytes(b"someone else's")
    done, _ = obtain_while_the_folder_goes(sandbox, tmp_path, environment(sandbox, tmp_path))
    assert done.returncode == 7, done.stderr
    assert all(path.read_bytes() == b"someone else's" for path in taken)
    written = [p for p in work.glob("fes-19371037-9-*.p12") if p not in taken]
    assert len(written) == 1 and str(written[0]) in done.stderr.replace("\n", "")


def test_when_nothing_can_be_written_the_certificate_is_printed(sandbox, tmp_path) -> None:
    """The folder of --save-to, the current directory and the temporary directory all gone: the
    base64 PKCS#12 on stdout, and stderr says why."""
    env = environment(sandbox, tmp_path)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env["TMPDIR"] = str(temporary)
    folder = tmp_path / "gone"
    folder.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    sandbox.fault("delay", ms=3000, prefix=OBTAIN)
    process = start(["fes", "obtain", *FES_OPTIONS, "--save-to", str(folder / "cert.p12")], env, work)
    wait_for_requests(sandbox, OBTAIN, 1, process)
    for directory in (folder, work, temporary):
        shutil.rmtree(directory)
    done = finish(process)
    assert done.returncode == 7, done.stderr
    printed = [line.strip() for line in done.stdout.splitlines() if len(line.strip()) > 1000]
    assert len(printed) == 1 and len(base64.b64decode(printed[0], validate=True)) > 100
    assert "could not be written" in done.stderr and "stdout" in done.stderr


def test_a_certificate_saved_is_not_printed_and_exits_0(sandbox, tmp_path) -> None:
    target = tmp_path / "cert.p12"
    process = start(["fes", "obtain", *FES_OPTIONS, "--save-to", str(target)], environment(sandbox, tmp_path), tmp_path)
    done = finish(process)
    assert done.returncode == 0, done.stderr
    assert base64.b64encode(target.read_bytes()).decode()[:64] not in done.stdout
    assert list(tmp_path.glob("fes-*.p12")) == []


def test_the_help_and_the_readme_say_what_happens_when_it_cannot_be_saved(tmp_path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "sello.cli", "fes", "obtain", "--help"],
        env=base_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and "fes-<RUT>-<UTC time>.p12" in shown.stdout and "exit code 7" in shown.stdout
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "fes-<RUT>-<UTC time>.p12" in readme


# -- Ctrl-C during a batch -------------------------------------------------------------------------


def interrupted_batch(sandbox: Any, tmp_path: pathlib.Path, *extra: str) -> subprocess.CompletedProcess:
    """sello cfdi process-file over 6 files, concurrency 2: the first item goes alone and is answered
    at once (a refusal of the credentials would stop the rest), the next two are held by the
    sandbox; SIGINT once those two were received."""
    files = []
    for folio in range(6):
        path = tmp_path / f"factura-{folio}.csv"
        path.write_text(csv_text(folio=str(folio)))
        files.append(str(path))
    sandbox.fault("delay", ms=1, prefix=PROCESS_FILE, count=1)
    sandbox.fault("delay", ms=8000, prefix=PROCESS_FILE, count=50)
    out = tmp_path / "out"
    out.mkdir()
    args = ["cfdi", "process-file", *files, "--prueba", "--concurrency", "2", "--save-dir", str(out), *extra]
    env = environment(sandbox, tmp_path)
    env["COLUMNS"] = "1000"  # one line per row
    process = start(args, env, tmp_path)
    wait_for_requests(sandbox, PROCESS_FILE, 3, process)
    process.send_signal(signal.SIGINT)
    done = finish(process)
    assert done.returncode == 130, done.stderr
    assert len(sandbox.requests(PROCESS_FILE)) == 3
    return done


def test_ctrl_c_during_a_batch_prints_the_stamps_made(sandbox, tmp_path) -> None:
    done = interrupted_batch(sandbox, tmp_path)
    stamped = set(sandbox.state()["cfdis"])
    printed = set(UUID.findall(done.stdout))
    assert len(printed) == 1 and printed <= stamped, done.stdout
    [uuid] = printed
    assert (tmp_path / "out" / f"{uuid}.xml").exists() and f"{uuid}.xml" in done.stdout
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r"^│ (\d+)\s+│.*$", done.stdout, re.MULTILINE)}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6], done.stdout
    assert uuid in rows[1] and "ok" in rows[1]
    for index in (2, 3):
        assert "may have reached the service" in rows[index], rows[index]
    for index in (4, 5, 6):
        assert "not sent" in rows[index] and "may have reached" not in rows[index], rows[index]
    assert "interrupted" in done.stderr
    assert "2 cancelled after their request was sent" in done.stderr and "3 not sent" in done.stderr


def test_ctrl_c_during_a_batch_with_json_prints_every_envelope(sandbox, tmp_path) -> None:
    done = interrupted_batch(sandbox, tmp_path, "--json")
    envelopes = json_lines(done.stdout)
    assert len(envelopes) == 6 and all(e["interrupted"] is True for e in envelopes)
    first = envelopes[0]
    assert first["ok"] is True and first["data"]["uuid"] in sandbox.state()["cfdis"]
    assert first["data"]["saved_files"] and pathlib.Path(first["data"]["saved_files"][0]).exists()
    for envelope in envelopes[1:3]:
        error = envelope["error"]
        assert (error["kind"], error["retryable"]) == ("cancelled", False)
        assert "may have reached the service" in error["message"] and envelope["meta"]["attempts"] == 1
    for envelope in envelopes[3:]:
        error = envelope["error"]
        assert (error["kind"], error["retryable"]) == ("cancelled", True) and envelope["meta"]["attempts"] == 0


def test_ctrl_c_during_concurrent_calls_prints_what_finished(sandbox, tmp_path) -> None:
    """cancellation-receipt runs as concurrent calls (not the library's batch): Ctrl-C lets the calls
    in flight end, and the items never started are reported as not sent."""
    uuids = [f"5FB2822E-396D-4725-8521-CDC4BDD20C{n:02X}" for n in range(6)]
    sandbox.fault("delay", ms=1, prefix=RECEIPT, count=2)
    sandbox.fault("delay", ms=3000, prefix=RECEIPT, count=50)
    process = start(
        ["cfdi", "cancellation-receipt", *uuids, "--concurrency", "2", "--json"],
        environment(sandbox, tmp_path),
        tmp_path,
    )
    wait_for_requests(sandbox, RECEIPT, 4, process)
    process.send_signal(signal.SIGINT)
    done = finish(process)
    assert done.returncode == 130, done.stderr
    envelopes = json_lines(done.stdout)
    sent = {dict(r["query"])["uuid"] for r in sandbox.requests(RECEIPT)}
    assert len(envelopes) == 6 and all(e["interrupted"] is True for e in envelopes)
    for uuid, envelope in zip(uuids, envelopes):
        error = envelope.get("error") or {}
        if uuid in sent:
            assert error.get("kind") != "cancelled", envelope  # answered (this UUID does not exist)
        else:
            assert error["kind"] == "cancelled" and envelope["meta"]["attempts"] == 0, envelope
