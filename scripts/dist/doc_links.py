#!/usr/bin/env python3
"""Makes the Markdown links of files copied into an artifact point to something there.

    doc_links.py STAGE COPY=SOURCE...

COPY is a Markdown file inside the staging folder STAGE, SOURCE the path in this repository it was
copied from. A relative link that still resolves inside STAGE is kept; one whose target was
shipped elsewhere in STAGE (the composer package carries docs/) is pointed there; any other is
written as text that names the file in sello's source repository, since a link out of the artifact
(../../docs/reference.md next to a wheel's METADATA) leads nowhere. Links to URLs and anchors are
left alone.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def rewrite(stage: Path, copy: Path, source: Path) -> str:
    def one(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        if (copy.parent / path).exists():
            return match.group(0)
        in_repository = Path(os.path.normpath((ROOT / source).parent / path)).relative_to(ROOT)
        shipped = stage / in_repository
        if shipped.exists():
            return f"[{text}]({os.path.relpath(shipped, copy.parent)}{'#' + anchor if anchor else ''})"
        if in_repository.as_posix() in text:
            return f"{text} in sello's source repository"
        return f"{text} (`{in_repository.as_posix()}` in sello's source repository)"

    return LINK.sub(one, copy.read_text(encoding="utf-8"))


def main(arguments: list[str]) -> None:
    stage = Path(arguments[0]).resolve()
    for pair in arguments[1:]:
        copy, source = pair.split("=", 1)
        path = stage / copy
        path.write_text(rewrite(stage, path, Path(source)), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
