"""Keeping what a service issues once when the library could not save it where it was asked.

FES issues a certificate once (it spends quota and is not given again): when ``save_to`` fails
after the answer arrived, the library still returns it (``data.certificado``, warning
``WRITE_FAILED``). The command then writes it to a new file of its own, created exclusively with
mode 600 (never replacing a file), in the current directory, else in the system's temporary
directory; when nothing can be written, the caller prints it on stdout as the last resort.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

#: how many names a directory is tried with (NAME.p12, NAME-1.p12, ...) before the next one
_NAMES_PER_DIRECTORY = 100


@dataclass
class Kept:
    """Where the document went: ``path`` when a fallback file was written, else None with the
    reasons (one per place tried)."""

    path: Optional[Path] = None
    failures: List[str] = field(default_factory=list)


def fallback_directories() -> List[Path]:
    """The current directory, then the system's temporary directory: resolved before the request
    is sent, so that the places are known whatever happens to the environment meanwhile."""
    directories: List[Path] = []
    try:
        directories.append(Path(os.getcwd()))
    except OSError:  # the current directory was removed
        pass
    try:
        temporary = Path(tempfile.gettempdir())
    except (OSError, FileNotFoundError):
        return directories
    if temporary not in directories:
        directories.append(temporary)
    return directories


def fallback_stem(prefix: str, key: str) -> str:
    """``<prefix>-<key>-<UTC time>``, the key reduced to letters, digits and '-'."""
    safe = "".join(c for c in key.upper() if c.isalnum() or c == "-").strip("-") or "unknown"
    return f"{prefix}-{safe}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"


def keep_base64(document: object, directories: List[Path], stem: str, suffix: str) -> Kept:
    """Decodes ``document`` (base64) and writes it to the first directory that takes a new file."""
    kept = Kept()
    if not isinstance(document, str) or not document:
        kept.failures.append("the answer carries no document")
        return kept
    try:
        content = base64.b64decode(document, validate=True)
    except (binascii.Error, ValueError) as exc:
        kept.failures.append(f"not valid base64 ({exc})")
        return kept
    for directory in directories:
        try:
            kept.path = write_new(directory, stem, suffix, content)
            return kept
        except OSError as exc:
            kept.failures.append(f"{directory}: {exc.strerror or exc}")
    return kept


def write_new(directory: Path, stem: str, suffix: str, content: bytes) -> Path:
    """A new file in ``directory`` holding ``content``, mode 600, created exclusively (O_EXCL, no
    symlink followed): STEM+SUFFIX, else STEM-1+SUFFIX... A partial file is removed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for number in range(_NAMES_PER_DIRECTORY):
        path = directory / (f"{stem}{suffix}" if number == 0 else f"{stem}-{number}{suffix}")
        try:
            descriptor = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        try:
            try:
                if hasattr(os, "fchmod"):
                    os.fchmod(descriptor, 0o600)
                view = memoryview(content)
                while view:
                    view = view[os.write(descriptor, view) :]
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except BaseException:
            try:
                os.unlink(path)
            except OSError:
                pass
            raise
        return path
    raise FileExistsError(0, f"{_NAMES_PER_DIRECTORY} names taken", str(directory / f"{stem}{suffix}"))
