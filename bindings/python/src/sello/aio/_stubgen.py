"""Writes _clients.pyi, the typed signatures of sello.aio's clients, from the synchronous classes:
their constructors (plus ``max_concurrency``, ``on_abandoned`` and ``cancel_sent_once``) and each
method of their operation table, as a coroutine. The runtime classes are made from the same table
(AsyncClient.__init_subclass__), so type checkers and the running code see the same methods.

    python3 -m sello.aio._stubgen            # rewrites src/sello/aio/_clients.pyi
    python3 -m sello.aio._stubgen --check    # exit 1 if it is out of date

Run it after adding an operation to a synchronous client (tests/test_aio.py checks it).
"""

from __future__ import annotations

import builtins
import inspect
import re
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, List, Sequence, Tuple, Type

from .. import _client, cfdi, fes, firma_virtual, result
from .._client import Client

STUB = Path(__file__).resolve().with_name("_clients.pyi")

#: (class name in sello.aio, synchronous class, the module alias the stub imports it under)
CLIENTS: Tuple[Tuple[str, Type[Client], str], ...] = (
    ("FES", fes.FES, "_fes"),
    ("FirmaVirtual", firma_virtual.FirmaVirtual, "_firma_virtual"),
    ("CFDI", cfdi.CFDI, "_cfdi"),
)
#: Where names used in the synchronous annotations are imported from: the first module that
#: defines the name (not one that only imports it: mypy --strict refuses implicit re-exports).
_SOURCES: Tuple[ModuleType, ...] = (_client, result, fes, firma_virtual, cfdi)

#: The keyword arguments sello.aio's constructors add to the synchronous ones (AsyncClient.__init__).
EXTRA_PARAMETERS = (
    "max_concurrency: int = ...",
    "on_abandoned: Optional[AbandonedCallback] = ...",
    "cancel_sent_once: bool = ...",
)

HEADER = """# Generated from the synchronous clients by sello/aio/_stubgen.py: do not edit by hand.
# After adding an operation to sello.FES, sello.FirmaVirtual or sello.CFDI, run
#   python3 -m sello.aio._stubgen
"""


def _parameters(function: Callable[..., object], extra: Sequence[str] = ()) -> str:
    parts: List[str] = ["self"]
    star = False
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {parameter.annotation}"
        if parameter.default is not inspect.Parameter.empty:
            text += " = ..."
        parts.append(text)
    if extra and not star:
        parts.append("*")
    parts.extend(extra)
    return ", ".join(parts)


def _names(annotation: str) -> List[str]:
    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", annotation)


def _defines(module: ModuleType, name: str) -> bool:
    pattern = rf"^(?:{re.escape(name)}\s*(?::[^=\n]*)?=|class {re.escape(name)}\b|def {re.escape(name)}\b)"
    return re.search(pattern, inspect.getsource(module), flags=re.M) is not None


def _imports(annotations: Sequence[str]) -> List[str]:
    typing_names: List[str] = []
    from_modules: Dict[str, List[str]] = {}
    for name in sorted({n for a in annotations for n in _names(a)}):
        if hasattr(builtins, name):
            continue
        if hasattr(typing, name):
            typing_names.append(name)
            continue
        for module in _SOURCES:
            if _defines(module, name):
                relative = ".." + module.__name__.rsplit(".", 1)[1]
                from_modules.setdefault(relative, []).append(name)
                break
        else:
            raise LookupError(f"cannot tell where the annotation name {name!r} comes from")
    lines = [f"from typing import {', '.join(typing_names)}"] if typing_names else []
    lines += [f"from {module} import {', '.join(names)}" for module, names in sorted(from_modules.items())]
    return lines


def render() -> str:
    """The text of _clients.pyi."""
    annotations: List[str] = ["int", "Optional"]  # EXTRA_PARAMETERS' (AbandonedCallback: from ._base)
    body: List[str] = []
    for name, sync_class, alias in CLIENTS:
        body += ["", "", f"class {name}(AsyncClient[{alias}.{sync_class.__name__}]):"]
        body.append(f"    def __init__({_parameters(sync_class.__init__, EXTRA_PARAMETERS)}) -> None: ...")
        annotations += [
            str(p.annotation)
            for p in inspect.signature(sync_class.__init__).parameters.values()
            if p.annotation is not inspect.Parameter.empty
        ]
        for operation in sync_class._operations:
            method = getattr(sync_class, operation, None)
            if not callable(method):
                continue
            signature = inspect.signature(method)
            annotations += [
                str(p.annotation) for p in signature.parameters.values() if p.annotation is not inspect.Parameter.empty
            ]
            annotations.append(str(signature.return_annotation))
            body.append(f"    async def {operation}({_parameters(method)}) -> {signature.return_annotation}: ...")
    modules = sorted(
        f"from .. import {module.__name__.rsplit('.', 1)[1]} as {alias}"
        for (_, _, alias), module in zip(CLIENTS, (fes, firma_virtual, cfdi))
    )
    head = [
        HEADER.rstrip("\n"),
        "from __future__ import annotations",
        "",
        *_imports(annotations),
        *modules,
        "from ._base import AbandonedCallback, AsyncClient",
        "",
        '__all__ = ["FES", "FirmaVirtual", "CFDI"]',
    ]
    return "\n".join(head + body) + "\n"


def main(argv: Sequence[str]) -> int:
    text = render()
    current = STUB.read_text(encoding="utf-8") if STUB.exists() else ""
    if "--check" in argv:
        if current != text:
            print(f"{STUB} is out of date: run python3 -m sello.aio._stubgen", file=sys.stderr)
            return 1
        return 0
    if current != text:  # make generate runs it every time: say only what changed
        STUB.write_text(text, encoding="utf-8")
        print(f"wrote {STUB}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
