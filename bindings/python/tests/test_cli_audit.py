"""The `sello` command's answers to the second audit's findings: stamps are always either saved or
kept and named, exit codes say when something did not happen, an item is never stamped twice by
one command line, no password hash is printed, a --from-file list saved with a BOM, config types.
Against the loopback sandbox, as subprocesses."""

from __future__ import annotations

import base64
import pathlib
import re
from typing import Any, List

from sello_fixtures import EMISOR, FV_USER, csv_text

from .test_cli import cli, json_lines  # noqa: F401  (cli: a fixture, requested by name)
from .test_cli_keep import environment, finish, start, wait_for_requests

PROCESS_FILE = "/servicio/rest/integracion/procesarArchivo"
UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", re.IGNORECASE)


def csv_files(folder: pathlib.Path, count: int) -> List[str]:
    folder.mkdir(exist_ok=True)
    files = []
    for folio in range(count):
        path = folder / f"factura-{folio}.csv"
        path.write_text(csv_text(folio=str(folio)))
        files.append(str(path))
    return files


def run(sandbox: Any, tmp_path: pathlib.Path, *args: str, stdin: str = "") -> Any:
    process = start(list(args), environment(sandbox, tmp_path), tmp_path)
    return finish(process)


# -- 1. stamps neither saved nor named ------------------------------------------------------------------


def test_stamping_without_save_dir_or_json_is_a_usage_error_and_sends_nothing(sandbox, tmp_path) -> None:
    files = csv_files(tmp_path / "in", 2)
    for command in ("process-file", "stamp-xml"):
        done = run(sandbox, tmp_path, "cfdi", command, *files, "--prueba")
        assert done.returncode == 2, done.stderr
        assert "--save-dir" in done.stderr and "--json" in done.stderr
    assert sandbox.requests(PROCESS_FILE) == [] and sandbox.requests("/servicio/rest/timbrado40") == []


def stamps_while_the_folder_goes(sandbox: Any, tmp_path: pathlib.Path, count: int, *extra: str) -> Any:
    files = csv_files(tmp_path / "in", count)
    out = tmp_path / "out"
    out.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    sandbox.fault("delay", ms=1500, prefix=PROCESS_FILE, count=-1)
    env = environment(sandbox, tmp_path)
    env["COLUMNS"] = "1000"
    args = ["cfdi", "process-file", *files, "--prueba", "--save-dir", str(out), "--concurrency", "64", *extra]
    process = start(args, env, work)
    # The folder goes once every item is sent, their answers held by the delay: the library checks
    # an item's save_dir when its turn comes (one not yet sent when the folder goes is refused
    # unsent, SAVE_DIR_UNWRITABLE). The first item goes alone, so of several it is saved (moved
    # with the folder to `saved`) and the others are not.
    wait_for_requests(sandbox, PROCESS_FILE, count, process)
    out.rename(tmp_path / "saved")
    done = finish(process)
    sandbox.clear_faults()
    return done, work


def kept_stamps(sandbox: Any, done: Any, work: pathlib.Path) -> List[str]:
    """Every stamp the sandbox made and the folder did not get is named on stdout, kept in a
    fallback file in ``work`` (mode 600, its XML) and that file is named on stderr."""
    saved = " ".join(path.name for path in (work.parent / "saved").iterdir())
    stamped = [uuid for uuid in sorted(sandbox.state()["cfdis"]) if uuid not in saved]
    assert stamped, done
    for uuid in stamped:
        assert uuid in done.stdout, (uuid, done.stdout)
        [kept] = list(work.glob(f"cfdi-{uuid}-*.xml"))
        assert kept.stat().st_mode & 0o777 == 0o600 and uuid in kept.read_text()
        assert str(kept) in done.stderr.replace("\n", ""), done.stderr
    return stamped


def test_a_stamp_not_saved_is_kept_in_a_fallback_file_and_exits_7(sandbox, tmp_path) -> None:
    done, work = stamps_while_the_folder_goes(sandbox, tmp_path, 1)
    assert done.returncode == 7, done
    assert "WRITE_FAILED" in done.stderr
    assert len(kept_stamps(sandbox, done, work)) == 1


def test_over_50_items_the_stamps_not_saved_each_get_a_row(sandbox, tmp_path) -> None:
    done, work = stamps_while_the_folder_goes(sandbox, tmp_path, 52)
    assert done.returncode == 7, done
    stamped = kept_stamps(sandbox, done, work)
    assert len(stamped) == 51 and len(list((tmp_path / "saved").iterdir())) == 1  # the first, saved
    assert done.stderr.count("WRITE_FAILED") >= 51


def test_a_stamp_not_saved_with_json_is_kept_too(sandbox, tmp_path) -> None:
    done, work = stamps_while_the_folder_goes(sandbox, tmp_path, 1, "--json")
    assert done.returncode == 7, done
    [envelope] = json_lines(done.stdout)
    [kept] = list(work.glob(f"cfdi-{envelope['data']['uuid']}-*.xml"))
    assert kept.read_bytes() == base64.b64decode(envelope["data"]["xmlBase64"])


# -- 3. the same item twice ----------------------------------------------------------------------------------


def test_the_same_file_twice_is_refused_before_sending(sandbox, tmp_path) -> None:
    [path] = csv_files(tmp_path / "in", 1)
    listing = tmp_path / "list.txt"
    listing.write_text(str(pathlib.Path(path).parent / ".." / "in" / pathlib.Path(path).name) + "\n")
    for args in ([path, path], [path, "--from-file", str(listing)]):
        done = run(sandbox, tmp_path, "cfdi", "process-file", *args, "--prueba", "--json")
        assert done.returncode == 2, done
        assert "factura-0.csv" in done.stderr and "twice" in done.stderr
    assert sandbox.requests(PROCESS_FILE) == []
    shown = run(sandbox, tmp_path, "cfdi", "process-file", "--help")
    assert "only the items" in " ".join(shown.stdout.split())


# -- 5. a --from-file list with a BOM --------------------------------------------------------------------------


def test_a_from_file_list_with_a_bom_reads_its_first_item(sandbox, tmp_path) -> None:
    listing = tmp_path / "bom.txt"
    listing.write_bytes(b"\xef\xbb\xbf5FB2822E-396D-4725-8521-CDC4BDD20CCF\r\n")
    done = run(sandbox, tmp_path, "--json", "cfdi", "get-by-uuid", "--from-file", str(listing))
    [request] = sandbox.requests("/servicio/rest/integracion/consultaCfdiPorUUID")
    assert dict(request["query"])["uuid"] == "5FB2822E-396D-4725-8521-CDC4BDD20CCF", done


# -- 2. cancel's exit code ----------------------------------------------------------------------------------


def test_cancel_exits_5_when_an_entry_was_not_cancelled(sandbox, tmp_path) -> None:
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    done = run(sandbox, tmp_path, "cfdi", "cancel", EMISOR, "5FB2822E-396D-4725-8521-CDC4BDD20CCF|02", "--cert-default")
    assert done.returncode == 5, done
    assert "not_found" in done.stdout


# -- 4. fv get-user --json: no password hash -----------------------------------------------------------------


def test_fv_get_user_json_masks_the_password_hash(sandbox, tmp_path) -> None:
    env = environment(sandbox, tmp_path)
    env.update({"SELLO_FV_BASE_URL": sandbox.fv_url, "SELLO_FV_LOGIN": FV_USER["login"]})
    env["SELLO_FV_PASSWORD"] = FV_USER["password"]
    done = finish(start(["--json", "fv", "get-user", "1"], env, tmp_path))
    assert done.returncode == 0, done
    [envelope] = json_lines(done.stdout)
    assert envelope["data"]["sPassword"] == "***"


# -- 6. configuration types ------------------------------------------------------------------------------------


def test_a_fraction_for_an_integer_setting_is_a_usage_error(sandbox, tmp_path) -> None:
    config = tmp_path / "f.toml"
    config.write_text("[cfdi]\ntimeout_ms = 0.5\n")
    done = run(
        sandbox, tmp_path, "--config", str(config), "cfdi", "get-by-uuid", "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
    )
    assert done.returncode == 2 and "timeout_ms" in done.stderr, done
    assert sandbox.requests("/servicio/rest/integracion/consultaCfdiPorUUID") == []


def test_a_configuration_the_library_refuses_is_a_usage_error(sandbox, tmp_path) -> None:
    env = environment(sandbox, tmp_path)
    env["SELLO_CFDI_BASE_URL"] = "not a url"
    done = finish(start(["cfdi", "get-by-uuid", "5FB2822E-396D-4725-8521-CDC4BDD20CCF"], env, tmp_path))
    assert done.returncode == 2, done


def test_a_misspelt_environment_setting_is_refused_before_sending(sandbox, tmp_path) -> None:
    """A misspelt SELLO_<SERVICE>_<KEY> was ignored and the default applied: SELLO_CFDI_BASEURL
    for SELLO_CFDI_BASE_URL sent to CFDI's default, production, where a stamp is a real invoice.
    Unknown keys in the file were refused already. (Here the misspelt one is a timeout, so that
    nothing but the loopback sandbox is ever reached, before the fix too.)"""
    env = environment(sandbox, tmp_path)
    env["SELLO_CFDI_TIMEOUTMS"] = "5000"
    done = finish(start(["cfdi", "get-by-uuid", "5FB2822E-396D-4725-8521-CDC4BDD20CCF"], env, tmp_path))
    assert done.returncode == 2 and "SELLO_CFDI_TIMEOUTMS" in done.stderr and "SELLO_CFDI_TIMEOUT_MS" in done.stderr, (
        done
    )
    assert sandbox.requests() == []
    # A subcommand's own variable is no misspelling.
    env = environment(sandbox, tmp_path)
    assert "SELLO_FES_CLAVE_CERTIFICADO" in env
    done = finish(start(["fes", "obtain", "--help"], env, tmp_path))
    assert done.returncode == 0, done


# -- 7. -vv claims nothing the library does not do --------------------------------------------------------


def test_the_help_of_vv_says_it_prints_what_v_prints(sandbox, tmp_path) -> None:
    shown = run(sandbox, tmp_path, "--help")
    text = " ".join(shown.stdout.split())
    assert "-v info, -vv debug" not in text and "-vv prints what -v prints" in text, text


# -- 8. a certificate saved is not printed, --json too --------------------------------------------------------


def test_fes_obtain_json_with_save_to_does_not_print_the_saved_certificate(sandbox, tmp_path) -> None:
    from .test_cli import FES_OPTIONS

    target = tmp_path / "cert.p12"
    done = run(sandbox, tmp_path, "--json", "fes", "obtain", *FES_OPTIONS, "--save-to", str(target))
    assert done.returncode == 0, done
    [envelope] = json_lines(done.stdout)
    assert envelope["ok"] is True and envelope["data"]["saved_to"] == str(target)
    assert "certificado" not in envelope["data"] and "saved_to" in envelope["data"]["certificado_not_printed"]
    assert base64.b64encode(target.read_bytes()).decode()[:64] not in done.stdout


# -- audit of 2026-12-08: files saved with a byte-order mark -----------------------------------------------


def test_files_saved_with_a_byte_order_mark_are_read_without_it(cli, sandbox, tmp_path) -> None:
    """Notepad's "UTF-8 with BOM": the password file's U+FEFF became part of the password, a wrong
    login (the library now refuses it), and the TOML file did not parse (audit of 2026-12-08)."""
    from .test_cli import FES_OPTIONS, FES_USER, OBTAIN

    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "fes-clave").write_bytes(b"\xef\xbb\xbf" + FES_USER["clave"].encode() + b"\r\n")
    config = folder / "sello.toml"
    text = f'[fes]\nbase_url = "{sandbox.fes_url}"\nusuario = "{FES_USER["usuario"]}"\nclave_file = "fes-clave"\n'
    config.write_bytes(b"\xef\xbb\xbf" + text.encode())
    drop = ("SELLO_FES_BASE_URL", "SELLO_FES_USUARIO", "SELLO_FES_CLAVE", "SELLO_FES_RETRIES")
    done = cli(
        "--config",
        str(config),
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--json",
        drop=drop,
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"},
    )
    assert done.returncode == 0, done.stderr
    assert sandbox.requests(OBTAIN)[0]["json"]["request"]["encabezado"]["clave"] == FES_USER["clave"]
