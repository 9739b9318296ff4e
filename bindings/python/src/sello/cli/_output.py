"""What the `sello` command prints: JSON lines (--json) or readable tables (rich), errors and
warnings on stderr. Every text from the library is printed as plain text (never as rich markup:
a "[106]" in a message stays as it is)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import SelloError

#: Fields shown as a size only in tables (the documents themselves: --save-dir or --json): names
#: ending in Base64, and FES's certificado (the PKCS#12).
_BLOB_SUFFIX = "Base64"
_BLOBS = ("certificado",)
_LONG = 100
_PIPE_WIDTH = 160


class Output:
    """stdout for results, stderr for errors, warnings and progress."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        # Into a file or a pipe: wide tables rather than wrapped cells (COLUMNS still decides).
        width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else _PIPE_WIDTH
        self.out = Console(highlight=False, soft_wrap=False, width=width)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    # -- JSON ------------------------------------------------------------------------------------
    def envelope(self, envelope: Mapping[str, Any]) -> None:
        """One envelope as one line of JSON on stdout."""
        sys.stdout.write(json.dumps(envelope, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()

    # -- tables ----------------------------------------------------------------------------------
    def fields(self, title: str, data: Any, hide: Sequence[str] = ()) -> None:
        """A two-column table of a result's fields, nested objects flattened as a.b."""
        table = Table(title=title, show_header=False, title_justify="left", expand=False)
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for key, value in flatten(data):
            shown = "(hidden)" if key.split(".")[-1] in hide else cell(key, value)
            table.add_row(Text(key), Text(shown))
        self.out.print(table)

    def rows(self, title: str, items: Sequence[Any], columns: Sequence[str] = (), limit: int = 0) -> None:
        """A table with one row per item (dicts): the given columns that exist, else every key."""
        if not items:
            self.out.print(Text(f"{title}: none"))
            return
        dicts = [item for item in items if isinstance(item, dict)]
        present = [c for c in columns if any(c in item for item in dicts)]
        if not present:
            present = list(dict.fromkeys(key for item in dicts for key in item))
        table = Table(title=f"{title} ({len(items)})", title_justify="left")
        for column in present:
            table.add_column(column, overflow="fold")
        shown = items if not limit else items[:limit]
        for item in shown:
            if isinstance(item, dict):
                table.add_row(*(Text(cell(column, item.get(column))) for column in present))
            else:
                table.add_row(Text(cell("", item)), *([Text("")] * (len(present) - 1)))
        self.out.print(table)
        if limit and len(items) > limit:
            self.out.print(Text(f"… and {len(items) - limit} more (--json prints every one)"))

    def table(self, title: str, headers: Sequence[str], body: Iterable[Sequence[str]]) -> None:
        table = Table(title=title, title_justify="left")
        for position, header in enumerate(headers):
            keep_whole = (position < 2 and header != "notes") or header.lower() == "uuid"
            table.add_column(header, overflow="fold", no_wrap=keep_whole)
        for row in body:
            table.add_row(*(Text(value) for value in row))
        self.out.print(table)

    def line(self, text: str, style: Optional[str] = None) -> None:
        self.out.print(Text(text, style=style or ""))

    # -- stderr ----------------------------------------------------------------------------------
    def warnings(self, warnings: Sequence[Mapping[str, Any]], prefix: str = "") -> None:
        for warning in warnings:
            self.err.print(Text(f"{prefix}warning {warning.get('code')}: {warning.get('message')}", style="yellow"))

    def error(self, error: SelloError, prefix: str = "") -> None:
        self.err.print(Text(f"{prefix}error: {error}", style="bold red"))
        for problem in error.problems[1:]:
            self.err.print(
                Text(
                    f"  also: {problem.get('code')} {problem.get('message')}"
                    + (f" (field {problem.get('field')})" if problem.get("field") else ""),
                    style="red",
                )
            )

    def note(self, text: str, style: str = "dim") -> None:
        self.err.print(Text(text, style=style))


def flatten(data: Any, prefix: str = "") -> List[Tuple[str, Any]]:
    """(dotted key, value) pairs of nested objects; lists of objects stay whole."""
    if not isinstance(data, dict):
        return [(prefix or "value", data)]
    pairs: List[Tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            pairs.extend(flatten(value, name))
        else:
            pairs.append((name, value))
    return pairs


def cell(key: str, value: Any) -> str:
    """A value as table text: documents as their size, long text shortened, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    last = key.split(".")[-1]
    if isinstance(value, str) and value and (last.endswith(_BLOB_SUFFIX) or last in _BLOBS):
        return f"({len(value)} characters of base64: --save-dir / --save-to or --json)"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return ", ".join(cell(key, v) for v in value)
        return f"({len(value)} items: --json shows them)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if len(text) > _LONG and "\n" in text:
        return text[:_LONG] + f"… ({len(text)} characters)"
    return text


def envelope_of(outcome: Any) -> Dict[str, Any]:
    """The envelope of a Result or of a SelloError."""
    return dict(outcome.envelope)
