"""sello cfdi: Prodigia operations over one or many items (UUIDs or files, on the command line or
read from a file), with a progress bar on a terminal and a summary table.

Each command is one entry of OPERATIONS: the sello.CFDI method it calls, whether the library's
batch (cfdi_process_files) carries it, how one input item becomes a request, the options whose
values go into every request, and the answer's fields shown per item. ``register`` makes the
click command from it. Adding an operation that takes one item per request is adding an entry.

``sello cfdi cancel`` sends all its UUIDs in one request (cfdi_cancel_with_reason takes a list),
so it is a plain command (``cancel`` below) rather than an entry.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..errors import error_from_envelope
from . import _batch, _exit, _keep, _stamps
from ._app import State, cli, handled, json_option

F = Callable[..., Any]
#: Items shown one per row when there are at most this many; above, only the failed ones.
ALL_ROWS_UP_TO = 50


@dataclass(frozen=True)
class Field:
    """An option of a command whose value goes into every request."""

    option: Callable[[F], F]
    name: str
    to_request: Callable[[Any], Dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    command: str  # the subcommand: sello cfdi <command>
    method: str  # the sello.CFDI method, = the batch's "operation"
    batch: bool  # cfdi_process_files carries it (else concurrent calls)
    item: str  # what one input item is (metavar, table header)
    request: Callable[[str], Dict[str, Any]]  # one input item -> its request fields
    fields: Tuple[Field, ...]  # options added to every request
    columns: Tuple[str, ...]  # answer fields shown per item
    help: str
    stamps: bool = False  # makes stamps: --save-dir or --json, each file once, unsaved ones kept (_stamps)


SAVE_DIR = Field(
    click.option(
        "--save-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Write the returned documents there (<UUID>.xml, <UUID>_acuse.xml, <UUID>.pdf).",
    ),
    "save_dir",
    lambda value: {"save_dir": str(value)} if value else {},
)
CONTRATO = Field(
    click.option("--contrato", help="The contract for these calls (default: the configured one)."),
    "contrato",
    lambda value: {"contrato": value} if value else {},
)
PRUEBA = Field(
    click.option(
        "--prueba/--no-prueba",
        default=False,
        show_default=True,
        help="A test stamp (prueba=true) or a real one, which spends a transaction.",
    ),
    "prueba",
    lambda value: {"prueba": bool(value)},
)
OPCIONES = Field(
    click.option(
        "--opcion",
        "opciones",
        multiple=True,
        metavar="OPCION",
        help="A Prodigia option (repeatable): CONSULTAR_SALDO, GENERAR_PDF, ...",
    ),
    "opciones",
    lambda value: {"opciones": list(value)} if value else {},
)


def split_item(*names: str) -> Callable[[str], Dict[str, Any]]:
    """A request from an item written "A|B|C" (the fields in ``names`` order)."""

    def request(item: str) -> Dict[str, Any]:
        parts = [part.strip() for part in item.split("|")]
        if len(parts) != len(names):
            raise click.BadParameter(f"{item!r}: expected {'|'.join(n.upper() for n in names)}")
        return dict(zip(names, parts))

    return request


STAMPS_HELP = (
    "Needs --save-dir FOLDER or --json (else nothing would keep the stamps: exit 2, nothing sent). "
    "Within one run each file is stamped once: a file given twice is refused (exit 2). Running the "
    "command again stamps again what succeeded (a CSV makes a new CFDI; a sealed XML comes back as "
    "its earlier stamp, ALREADY_STAMPED): after a partial failure, run again only the items the "
    "output lists as failed or not sent. A stamp made but not saved in --save-dir (WRITE_FAILED) is "
    "kept in a new file cfdi-<UUID>-<UTC time>.xml (mode 600) in the current directory, else the "
    "temporary directory; stderr says where, and the exit code is 7."
)

OPERATIONS: Tuple[Operation, ...] = (
    Operation(
        "get-by-uuid",
        "get_by_uuid",
        batch=True,
        item="UUID",
        request=lambda uuid: {"uuid": uuid},
        fields=(CONTRATO, SAVE_DIR),
        columns=("codigo", "saved_files"),
        help="The stamped XML of CFDIs by UUID (consultaCfdiPorUUID). Safe to repeat.",
    ),
    Operation(
        "cancellation-receipt",
        "get_cancellation_receipt",
        batch=False,
        item="UUID",
        request=lambda uuid: {"uuid": uuid},
        fields=(CONTRATO, SAVE_DIR),
        columns=("codigo", "saved_files"),
        help="The SAT cancellation receipts (acuse) of cancelled CFDIs by UUID (acuseCancelacion). Safe to repeat.",
    ),
    Operation(
        "stamp-xml",
        "stamp_xml",
        batch=True,
        item="FILE",
        request=lambda path: {"xml_path": path},
        fields=(PRUEBA, OPCIONES, CONTRATO, SAVE_DIR),
        columns=("uuid", "codigo", "saved_files"),
        help="Stamps CFDI 4.0 XML files (timbrado40), concurrently through the library's batch. Each "
        "XML is checked first (4.0, not stamped, a Sello unless --opcion CALCULAR_SELLO, Fecha "
        "within 72 hours); a sealed XML stamped before comes back as that stamp (ALREADY_STAMPED). " + STAMPS_HELP,
        stamps=True,
    ),
    Operation(
        "status",
        "get_status",
        batch=True,
        item="UUID|RFC_EMISOR|RFC_RECEPTOR|TOTAL",
        request=split_item("uuid", "rfcEmisor", "rfcReceptor", "total"),
        fields=(CONTRATO,),
        columns=("estado", "estatusCfdi", "estatus_text", "esCancelable", "estatusCancelacion"),
        help="The SAT status of CFDIs (consultarEstatusComprobante): vigente, cancelled, cancellation "
        "pending... Safe to repeat.",
    ),
    Operation(
        "process-file",
        "process_file",
        batch=True,
        item="FILE",
        request=lambda path: {"datos_path": path},
        fields=(PRUEBA, OPCIONES, CONTRATO, SAVE_DIR),
        columns=("uuid", "codigo", "saved_files"),
        help="Stamps CFDIs from CSV interchange files (procesarArchivo), concurrently through the "
        "library's batch. " + STAMPS_HELP,
        stamps=True,
    ),
)


@cli.group("cfdi")
def cfdi_group() -> None:
    """Prodigia / PADE (Mexico): CFDI stamps, receipts, XML; one item or many.

    Items come as arguments and/or from --from-file FILE (one per line, '-' for stdin; blank lines
    and lines starting with # are skipped; a byte order mark is ignored). With many items: a progress
    bar on a terminal, a table of the items (all of them up to 50, else the failed ones and those
    whose documents could not be saved) and a summary; --json prints one envelope per line, in input
    order. The exit code is that of the first item that failed, or 7 (io) for an item whose
    documents could not be saved in --save-dir (WRITE_FAILED).

    Ctrl-C stops the items not sent yet and prints every item as far as it is known before exiting
    130: the stamps made (UUIDs, files saved), the failures, the items cancelled after their
    request was sent (it may have reached the service: check with the provider before sending
    them again) and those never sent; with --json every envelope carries "interrupted": true.

    The client's settings: [cfdi] in the configuration file, or SELLO_CFDI_USUARIO,
    SELLO_CFDI_PASSWORD / SELLO_CFDI_PASSWORD_FILE, SELLO_CFDI_CONTRATO, SELLO_CFDI_BASE_URL...
    (`sello config --help`)."""


def read_items(arguments: Sequence[str], from_file: Optional[str]) -> List[str]:
    items = [item for item in arguments if item.strip()]
    if from_file is not None:
        # utf-8-sig: a list saved as "UTF-8 with BOM" (Excel, Notepad) would otherwise start with U+FEFF
        with click.open_file(from_file, "r", encoding="utf-8-sig") as handle:
            for line in handle:
                text = line.strip().lstrip("\ufeff").strip()
                if text and not text.startswith("#"):
                    items.append(text)
    if not items:
        raise click.UsageError("no items: give them as arguments or with --from-file FILE")
    return items


@contextmanager
def progress_bar(state: State, label: str, total: int, enabled: Optional[bool]) -> Iterator[_batch.Advance]:
    """A bar on stderr when it is a terminal (or --progress), else nothing."""
    show = state.output.err.is_terminal if enabled is None else enabled
    if not show or total < 2:
        yield lambda _count: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=state.output.err, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda count: progress.advance(task, count)


def register(group: click.Group, operation: Operation) -> None:
    """Adds `sello cfdi <operation.command>` to the group."""

    @click.argument("items", nargs=-1, metavar=f"[{operation.item}]...")
    @click.option(
        "--from-file",
        type=click.Path(dir_okay=False, allow_dash=True),
        help=f"Read more items ({operation.item}, one per line) from this file ('-': stdin).",
    )
    @click.option(
        "--concurrency",
        type=click.IntRange(1, 64),
        default=8,
        show_default=True,
        help="How many requests are in flight at once.",
    )
    @click.option(
        "--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal)."
    )
    @json_option
    @click.pass_obj
    @handled
    def command(
        state: State,
        /,
        items: Sequence[str],
        from_file: Optional[str],
        concurrency: int,
        progress: Optional[bool],
        **options: Any,
    ) -> int:
        inputs = read_items(items, from_file)
        if operation.stamps:
            if not state.json_mode and not options.get("save_dir"):
                raise click.UsageError(
                    f"{operation.command} makes stamps: give --save-dir FOLDER (the stamped XML files) or --json "
                    "(the envelopes, with each stamp's XML), else nothing would keep them; nothing was sent"
                )
            _stamps.refuse_repeated(inputs)
        places = _keep.fallback_directories() if operation.stamps else []
        common: Dict[str, Any] = {}
        for field in operation.fields:
            common.update(field.to_request(options[field.name]))
        requests = [{**operation.request(item), **common} for item in inputs]
        cfdi = state.client("cfdi")
        started = time.perf_counter()
        try:
            with progress_bar(state, f"{operation.command}", len(requests), progress) as advance:
                envelopes = _batch.run(cfdi, operation.method, operation.batch, requests, concurrency, advance)
        except _batch.Interrupted as stop:  # Ctrl-C: what is known of every item, then exit 130
            elapsed = time.perf_counter() - started
            return report(state, operation, inputs, stop.envelopes, (elapsed, concurrency), places, interrupted=True)
        return report(state, operation, inputs, envelopes, (time.perf_counter() - started, concurrency), places)

    for field in reversed(operation.fields):
        command = field.option(command)
    group.command(operation.command, help=operation.help)(command)


def report(
    state: State,
    operation: Operation,
    inputs: Sequence[str],
    envelopes: Sequence[Dict[str, Any]],
    timing: Tuple[float, int],
    places: List[Path],
    interrupted: bool = False,
) -> int:
    """Prints the envelopes (JSON lines, or tables) and returns the exit code. Interrupted (Ctrl-C):
    every item as far as it is known, each JSON line with "interrupted": true, a table of every
    item (the ones not sent left out above ALL_ROWS_UP_TO), a count on stderr, and exit 130.
    ``timing``: seconds taken, concurrency; ``places``: where stamps not saved are kept (_stamps)."""
    elapsed, concurrency = timing
    failed = [(i, e) for i, e in enumerate(envelopes) if e.get("ok") is not True]
    if state.json_mode:
        for envelope in envelopes:
            state.output.envelope({**envelope, "interrupted": True} if interrupted else envelope)
    elif len(envelopes) == 1 and not interrupted:
        if not failed:
            state.output.fields(f"{operation.item} {inputs[0]}", envelopes[0].get("data"))
    else:
        _items_table(state, operation, inputs, envelopes, failed, interrupted)
        _summary(state, operation, envelopes, failed, elapsed, concurrency)
        for index, envelope in enumerate(envelopes):
            if envelope.get("ok") is True and _stamps.write_failed(envelope):
                unsaved = [w for w in envelope.get("warnings") or [] if w.get("code") == _stamps.WRITE_FAILED]
                state.output.warnings(unsaved, f"#{index + 1} {inputs[index]}: ")
    if len(envelopes) == 1 and not interrupted:
        state.output.warnings(envelopes[0].get("warnings") or [])
        if failed:
            state.output.error(error_from_envelope(failed[0][1]))
    if operation.stamps:
        _stamps.keep_unsaved(state.output, state.json_mode, inputs, envelopes, places)
    if interrupted:
        _say_interrupted(state, envelopes)
        return _exit.INTERRUPTED
    first = next((envelope for envelope in envelopes if _stamps.not_done(envelope)), None)
    if first is None:
        return _exit.OK
    return _exit.IO if first.get("ok") is True else _exit.for_kind(str((first.get("error") or {}).get("kind")))


def _say_interrupted(state: State, envelopes: Sequence[Dict[str, Any]]) -> None:
    outcomes = [_batch.cancelled_outcome(envelope) for envelope in envelopes]
    succeeded = sum(1 for envelope in envelopes if envelope.get("ok") is True)
    reached, not_sent = outcomes.count(_batch.REACHED_LABEL), outcomes.count(_batch.NOT_SENT_LABEL)
    cancelled = sum(1 for outcome in outcomes if outcome is not None)
    failed = len(envelopes) - succeeded - cancelled
    text = f"sello: interrupted (Ctrl-C): {succeeded} succeeded, {failed} failed"
    if reached:
        text += (
            f", {reached} cancelled after their request was sent (it may have reached the service: "
            "check with the provider before sending them again)"
        )
    if cancelled - reached - not_sent:
        text += f", {cancelled - reached - not_sent} cancelled after their request was sent (safe to send again)"
    state.output.note(text + f", {not_sent} not sent", "bold red")


def _items_table(
    state: State,
    operation: Operation,
    inputs: Sequence[str],
    envelopes: Sequence[Dict[str, Any]],
    failed: Sequence[Tuple[int, Dict[str, Any]]],
    interrupted: bool = False,
) -> None:
    """One row per item (all of them up to ALL_ROWS_UP_TO, else the failed ones, the first
    ALL_ROWS_UP_TO of them, and every one whose documents were not saved, WRITE_FAILED; interrupted:
    all of them, else all but the ones not sent); columns that are empty in every row are left out,
    saved files are shown by name, a cancelled item says whether it was sent."""
    shown, more = _rows_shown(envelopes, interrupted)
    headers = ["#", operation.item, "result", *operation.columns, "message"]
    rows = [_row(operation, inputs, index, envelopes[index]) for index in shown]
    keep = [i for i, _ in enumerate(headers) if i < 3 or any(row[i] for row in rows)]
    title = operation.command
    if len(envelopes) > ALL_ROWS_UP_TO:
        title = f"{operation.command}: failed items and items not saved (WRITE_FAILED)"
    if interrupted:
        title = f"{operation.command}: interrupted (Ctrl-C)"
    if rows:
        state.output.table(title, [headers[i] for i in keep], ([row[i] for i in keep] for row in rows))
    if more:
        state.output.line(f"… and {more} more failed items (--json prints every one)")
    if len(shown) < len(envelopes) and interrupted:
        state.output.line(f"… and {len(envelopes) - len(shown)} items not sent (--json prints every one)")


def _rows_shown(envelopes: Sequence[Dict[str, Any]], interrupted: bool) -> Tuple[List[int], int]:
    """The indexes of the items given a row, and how many failed items were left out."""
    if len(envelopes) <= ALL_ROWS_UP_TO:
        return list(range(len(envelopes))), 0
    if interrupted:
        return [i for i, e in enumerate(envelopes) if _batch.cancelled_outcome(e) != _batch.NOT_SENT_LABEL], 0
    failed = [i for i, e in enumerate(envelopes) if e.get("ok") is not True]
    unsaved = [i for i, e in enumerate(envelopes) if e.get("ok") is True and _stamps.write_failed(e)]
    return sorted(failed[:ALL_ROWS_UP_TO] + unsaved), max(0, len(failed) - ALL_ROWS_UP_TO)


def _row(operation: Operation, inputs: Sequence[str], index: int, envelope: Dict[str, Any]) -> List[str]:
    from ._output import cell

    if envelope.get("ok") is True:
        found = envelope.get("data")
        data: Dict[str, Any] = found if isinstance(found, dict) else {}
        warnings = ", ".join(str(w.get("code")) for w in envelope.get("warnings") or [])
        values = [_shown(column, data.get(column), cell) for column in operation.columns]
        return [str(index + 1), inputs[index], "ok" + (f" ({warnings})" if warnings else ""), *values, ""]
    error = envelope.get("error") or {}
    return [
        str(index + 1),
        inputs[index],
        _batch.cancelled_outcome(envelope) or f"{error.get('kind')} {error.get('code')}",
        *([""] * len(operation.columns)),
        str(error.get("message") or ""),
    ]


def _shown(column: str, value: Any, cell: Callable[[str, Any], str]) -> str:
    if column == "saved_files" and isinstance(value, list):
        return ", ".join(Path(str(path)).name for path in value)
    return cell(column, value)


def _summary(
    state: State,
    operation: Operation,
    envelopes: Sequence[Dict[str, Any]],
    failed: Sequence[Tuple[int, Dict[str, Any]]],
    elapsed: float,
    concurrency: int,
) -> None:
    counts: Dict[str, int] = {"ok": len(envelopes) - len(failed)}
    for _, envelope in failed:
        error = envelope.get("error") or {}
        key = f"{error.get('kind')} {error.get('code')}"
        counts[key] = counts.get(key, 0) + 1
    warned = sum(1 for e in envelopes if e.get("ok") is True and e.get("warnings"))
    rows = [(outcome, str(count)) for outcome, count in counts.items()]
    if warned:
        rows.append(("(ok with warnings)", str(warned)))
    rows.append(("total", str(len(envelopes))))
    how = "through the library's batch" if operation.batch else "as concurrent calls"
    state.output.table("summary", ["outcome", "items"], rows)
    state.output.line(f"{len(envelopes)} items in {elapsed:.2f} s, concurrency {concurrency}, {how}")


for _operation in OPERATIONS:
    register(cfdi_group, _operation)


@cfdi_group.command("cancel")
@click.argument("rfc_emisor", metavar="RFC_EMISOR")
@click.argument("items", nargs=-1, metavar="[UUID|MOTIVO|FOLIO_SUSTITUCION]...")
@click.option(
    "--from-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Read more items (UUID|MOTIVO|FOLIO_SUSTITUCION, one per line) from this file ('-': stdin).",
)
@click.option("--cer", type=click.Path(dir_okay=False, path_type=Path), help="The issuer's CSD certificate (.cer).")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="The CSD's private key (.key).")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the .key's password (else $SELLO_CSD_PASSWORD).",
)
@click.option("--cert-default", is_flag=True, help="Use the CSD stored with Prodigia (opciones CERT_DEFAULT).")
@CONTRATO.option
@SAVE_DIR.option
@json_option
@click.pass_obj
@handled
def cancel(
    state: State,
    /,
    rfc_emisor: str,
    items: Sequence[str],
    from_file: Optional[str],
    cer: Optional[Path],
    key: Optional[Path],
    password_file: Optional[Path],
    cert_default: bool,
    **options: Any,
) -> int:
    """Cancels CFDIs with SAT's motivo (cfdi_cancel_with_reason), all in one request: each item is
    UUID|MOTIVO|FOLIO_SUSTITUCION (motivo 01 needs the replacing CFDI's UUID; 02-04 take none:
    UUID|02). Never sent twice. The table shows each CFDI's status: cancelled, already_cancelled,
    pending (the receiver must accept), rejected, not_cancellable, not_found or error; exit code 5
    when any is rejected, not_cancellable, not_found or error (the table says which), else 0."""
    entries = [_cancel_entry(item) for item in read_items(items, from_file)]
    request: Dict[str, Any] = {"rfcEmisor": rfc_emisor, "uuids": entries}
    if cert_default:
        if cer or key:
            raise click.UsageError("--cert-default uses the stored CSD: leave out --cer and --key")
        request["opciones"] = ["CERT_DEFAULT"]
    elif cer and key:
        request.update(cert_path=str(cer), key_path=str(key), keyPass=_local_password(password_file))
    else:
        raise click.UsageError("give the CSD (--cer and --key, with --password-file) or --cert-default")
    for field in (CONTRATO, SAVE_DIR):
        request.update(field.to_request(options[field.name]))
    result = state.client("cfdi").cancel_with_reason(**request)
    if state.json_mode:
        state.output.envelope(result.envelope)
    else:
        data = result.envelope.get("data") or {}
        state.output.rows(
            "cancelaciones", list(data.get("cancelaciones") or []), ("uuid", "codigo", "status", "mensaje")
        )
        state.output.warnings(result.envelope.get("warnings") or [])
    return _cancel_exit(result.envelope.get("data"))


#: the statuses of a CFDI that the request did not cancel (pending: the receiver must accept; it
#: comes with a warning and is not a failure of this command)
NOT_CANCELLED = ("not_found", "rejected", "not_cancellable", "error")


def _cancel_exit(data: Any) -> int:
    """5 (service) when any CFDI was not cancelled, as for many items elsewhere; else 0."""
    entries = (data or {}).get("cancelaciones") if isinstance(data, dict) else None
    statuses = [entry.get("status") for entry in entries or [] if isinstance(entry, dict)]
    return _exit.SERVICE if any(status in NOT_CANCELLED for status in statuses) else _exit.OK


def _cancel_entry(item: str) -> Dict[str, Any]:
    parts = [part.strip() for part in item.split("|")]
    if not 2 <= len(parts) <= 3 or not parts[0] or not parts[1]:
        raise click.BadParameter(f"{item!r}: expected UUID|MOTIVO|FOLIO_SUSTITUCION (folio only with motivo 01)")
    entry: Dict[str, Any] = {"uuid": parts[0], "motivo": parts[1]}
    if len(parts) == 3 and parts[2]:
        entry["folioSustitucion"] = parts[2]
    return entry


def _local_password(password_file: Optional[Path]) -> str:
    from ._local import csd_password

    return csd_password(password_file)
