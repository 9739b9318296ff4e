"""Stamps are never left neither saved nor named (sello cfdi process-file / stamp-xml).

A stamp spends a transaction (a real one) and exists once made. The stamping subcommands need
--save-dir or --json (without either, nothing of the stamps would be kept: a usage error, nothing
sent). When the library could not write a stamp's XML into --save-dir after Prodigia stamped it
(warning ``WRITE_FAILED``: the folder removed meanwhile, a full disk), the command writes the XML
to a new file of its own, ``cfdi-<UUID>-<UTC time>.xml`` (mode 600, created exclusively, never
replacing a file), in the current directory, else the system's temporary directory, as _keep.py
does for a FES certificate; stderr says where, and the command exits 7 (kind io). When no file
can be written, the XML's base64 goes to stdout (with --json it is in the envelope already).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import click

from . import _keep

WRITE_FAILED = "WRITE_FAILED"


def write_failed(envelope: Mapping[str, Any]) -> bool:
    """A result whose documents were not all written where they were asked."""
    return any(warning.get("code") == WRITE_FAILED for warning in envelope.get("warnings") or [])


def not_done(envelope: Mapping[str, Any]) -> bool:
    """An item that failed, or whose documents were not all saved: it decides the exit code."""
    return envelope.get("ok") is not True or write_failed(envelope)


def refuse_repeated(inputs: Sequence[str]) -> None:
    """The same file given twice would be stamped twice: a usage error naming it."""
    seen: Dict[Path, str] = {}
    for item in inputs:
        resolved = Path(item).expanduser().resolve()
        if resolved in seen:
            named = item if item == seen[resolved] else f"{item} (= {seen[resolved]})"
            raise click.UsageError(f"{named} is given twice: it would be stamped twice; give each file once")
        seen[resolved] = item


def _xml_base64(data: Mapping[str, Any]) -> Optional[str]:
    document = data.get("xmlBase64")
    if isinstance(document, str) and document:
        return document
    xml = data.get("xml")
    return base64.b64encode(xml.encode("utf-8")).decode("ascii") if isinstance(xml, str) and xml else None


def _xml_saved(data: Mapping[str, Any]) -> bool:
    uuid = str(data.get("uuid") or "").upper()
    saved = data.get("saved_files")
    return bool(uuid) and isinstance(saved, list) and any(Path(str(p)).name.upper() == f"{uuid}.XML" for p in saved)


def keep_unsaved(
    output: Any, json_mode: bool, inputs: Sequence[str], envelopes: Sequence[Mapping[str, Any]], places: List[Path]
) -> None:
    """Writes the XML of every stamp made but not saved to a fallback file and says where."""
    for index, envelope in enumerate(envelopes):
        found = envelope.get("data")
        data: Mapping[str, Any] = found if isinstance(found, dict) else {}
        if envelope.get("ok") is not True or not write_failed(envelope) or _xml_saved(data):
            continue
        uuid = str(data.get("uuid") or "unknown")
        document = _xml_base64(data)
        kept = _keep.keep_base64(document, places, _keep.fallback_stem("cfdi", uuid), ".xml")
        item = f"#{index + 1} {inputs[index]}"
        if kept.path is not None:
            output.note(
                f"sello: {item}: stamp {uuid} was not saved in --save-dir; its XML is kept in {kept.path}", "bold"
            )
            continue
        where = "it is in the envelope on stdout (data.xmlBase64)" if json_mode else "its base64 is on stdout"
        output.note(
            f"sello: {item}: stamp {uuid} was not saved and its XML could not be written "
            f"({'; '.join(kept.failures)}): {where}; store it now",
            "bold red",
        )
        if document and not json_mode:
            output.line(document)
