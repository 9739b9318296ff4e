#!/usr/bin/env python3
"""docs/reference.md read as data: each operation's binding block, the model the bindings' typed
methods are generated from (scripts/generate.py writes them into the marked regions of the
Python and PHP client classes).

Each operation's section (`### PREFIX_OPERATION`) holds one fenced block tagged `binding`:

    ```binding
    summary: GetAllUser (GET /api/v1/userapp/{IDUser}); sPassword is the hash the service sends.
    request: array{
        IDUser: int|string
    }
    data: array{iUserID: int, sRUT: string, ...}
    ```

`request` and `data` are PHPStan types (array shapes: `name: type`, `name?: type` when optional,
`...` for fields not listed), with one addition: `path`, a file name (a string in PHP, a str or an
os.PathLike in Python). `summary` is the methods' first paragraph. A key's text may go on over
lines indented under it. `by hand: yes` marks an operation whose methods take something other
than a request (fv_confirm_callback's callback body): its block documents it, and the methods are
written by hand (the tests ask for them).

`sent: once` marks an operation whose requests the library never sends twice: one of them has a
replay policy other than `.idempotent` in Sources/SelloCore (`.onlyIfNotSent`, `.callerMayRepeat`:
a certificate issued, a stamp, a cancellation, a contract created), as its section says in words
("Never sent twice", "Not re-sent once…"; bindings/python/tests/test_operation_table.py holds the
two together). `once` is its only value. scripts/generate.py writes these operations into
sello._abi.SENT_ONCE: sello.aio does not cancel such a call in the library once it may have been
sent (its outcome would be lost), but lets it end.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"
KEYS = ("summary", "request", "data", "by hand", "sent")
_KEY_LINE = re.compile(rf"({'|'.join(KEYS)}):\s?(.*)$")


class ModelError(ValueError):
    """A binding block that cannot be read; the message names it and says what to fix."""


# -- types --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    """A parsed PHPStan type: kind is "name" (string, int, 'LITERAL', path...), "union", "generic"
    (list<T>, array<K, V>...) or "shape" (array{...})."""

    kind: str
    name: str = ""
    args: Tuple["Type", ...] = ()
    fields: Tuple["Field", ...] = ()
    open: bool = False  # a shape with "...": more fields than listed


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    required: bool


_TOKEN = re.compile(r"\s*(\.\.\.|'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?|[A-Za-z_][\w-]*|[{}<>,:|?()\[\]])")


def _tokens(text: str) -> List[str]:
    out, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise ModelError(f"cannot read the type at {text[at : at + 30]!r}")
        out.append(match.group(1))
        at = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> Optional[str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: Optional[str] = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ModelError(f"expected {expected or 'a type'} at token {self.at} of {' '.join(self.tokens)!r}")
        self.at += 1
        return token

    def union(self) -> Type:
        parts = [self.atom()]
        while self.peek() == "|":
            self.take("|")
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else Type("union", args=tuple(parts))

    def atom(self) -> Type:
        name = self.take()
        if name == "(":
            inner = self.union()
            self.take(")")
            return inner
        if name == "array" and self.peek() == "{":
            return self.shape()
        if self.peek() == "<":
            self.take("<")
            args = [self.union()]
            while self.peek() == ",":
                self.take(",")
                args.append(self.union())
            self.take(">")
            return Type("generic", name=name, args=tuple(args))
        return Type("name", name=name)

    def shape(self) -> Type:
        self.take("{")
        fields: List[Field] = []
        open_ = False
        while self.peek() != "}":
            if self.peek() == "...":
                self.take("...")
                open_ = True
            else:
                key = self.take().strip("'\"")
                required = self.peek() != "?"
                if not required:
                    self.take("?")
                self.take(":")
                fields.append(Field(key, self.union(), required))
            if self.peek() != "}":
                self.take(",")
        self.take("}")
        return Type("shape", fields=tuple(fields), open=open_)


def parse_type(text: str) -> Type:
    parser = _Parser(text)
    parsed = parser.union()
    if parser.peek() is not None:
        raise ModelError(f"unexpected {parser.peek()!r} after the type in {text!r}")
    return parsed


# -- the blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    function: str  # fv_get_user
    summary: str  # paragraphs, each on one line, separated by a blank line
    request_text: str  # the PHPStan text as written (path spelled as such)
    data_text: str
    by_hand: bool
    line: int  # of the block's opening fence, 1-based
    sent_once: bool = False  # `sent: once`: the library never sends its requests twice

    @property
    def request(self) -> Type:
        return parse_type(self.request_text)

    @property
    def fields(self) -> Tuple[Field, ...]:
        request = self.request
        if request.kind != "shape":
            raise ModelError(f"{self.function}: request must be an array{{...}} shape")
        return request.fields


def _keys(function: str, lines: Sequence[str], line: int) -> Dict[str, str]:
    """A key starts a line (`request: ...`); the lines after it, up to the next key, go on its text."""
    values: Dict[str, List[str]] = {}
    current = None
    for offset, text in enumerate(lines):
        match = _KEY_LINE.match(text)
        if match:
            current = match.group(1)
            if current in values:
                raise ModelError(
                    f"docs/reference.md:{line + offset + 1}: {function}'s binding block has {current} twice"
                )
            values[current] = [match.group(2)]
        elif re.match(r"[a-z_]+:(\s|$)", text):
            raise ModelError(
                f"docs/reference.md:{line + offset + 1}: {function}'s binding block has the key "
                f"{text.split(':')[0]!r}; the keys are {', '.join(KEYS)}"
            )
        elif current is not None:
            values[current].append(text)
        else:
            raise ModelError(
                f"docs/reference.md:{line + offset + 1}: {function}'s binding block must start "
                f"with a key: {', '.join(KEYS)}"
            )
    return {key: "\n".join(value).strip() for key, value in values.items()}


def read(text: Optional[str] = None) -> Dict[str, Binding]:
    """function -> its binding block, for every section of docs/reference.md that has one."""
    text = REFERENCE.read_text(encoding="utf-8") if text is None else text
    lines = text.split("\n")
    out: Dict[str, Binding] = {}
    section = None
    index = 0
    while index < len(lines):
        heading = re.match(r"### (\w+)\s*$", lines[index])
        if heading:
            section = heading.group(1)
        if lines[index].strip() == "```binding":
            start = index
            end = lines.index("```", index + 1)
            if section is None or section in out:
                raise ModelError(
                    f"docs/reference.md:{start + 1}: a binding block outside an operation's "
                    f"section, or a second one in {section}"
                )
            keys = _keys(section, lines[start + 1 : end], start + 1)
            for key in ("summary", "request", "data"):
                if not keys.get(key):
                    raise ModelError(f"docs/reference.md:{start + 1}: {section}'s binding block has no {key}")
            for key in ("request", "data"):
                try:
                    parse_type(keys[key])
                except ModelError as error:
                    raise ModelError(f"docs/reference.md:{start + 1}: {section}'s {key}: {error}") from None
            sent = keys.get("sent")
            if sent is not None and sent != "once":
                raise ModelError(
                    f"docs/reference.md:{start + 1}: {section}'s binding block has sent: {sent!r}; its only value "
                    f"is once (the library never sends the operation's requests twice); leave the key out otherwise"
                )
            summary = "\n\n".join(" ".join(part.split()) for part in re.split(r"\n\s*\n", keys["summary"]))
            out[section] = Binding(
                section,
                summary,
                keys["request"],
                keys["data"],
                keys.get("by hand") == "yes",
                start + 1,
                sent_once=sent == "once",
            )
            index = end
        index += 1
    return out


# -- what the bindings make of them -------------------------------------------------------------

_PY_NAMES = {
    "string": "str",
    "int": "int",
    "bool": "bool",
    "float": "float",
    "path": "PathLike",
    "mixed": "Any",
    "true": "bool",
    "false": "bool",
    "null": "None",
    "non-empty-string": "str",
}


def python_type(type_: Type) -> str:
    """The annotation a Python method gives a field of this type."""
    if type_.kind == "name":
        if type_.name.startswith(("'", '"')):
            return "str"
        if re.fullmatch(r"-?\d+", type_.name):
            return "int"
        if type_.name not in _PY_NAMES:
            raise ModelError(f"no Python type for {type_.name!r}: add it to _PY_NAMES in scripts/operation_model.py")
        return _PY_NAMES[type_.name]
    if type_.kind == "union":
        parts: List[str] = []
        for arg in type_.args:
            text = python_type(arg)
            if text not in parts:
                parts.append(text)
        if len(parts) == 1:
            return parts[0]
        if "None" in parts:
            parts.remove("None")
            inner = parts[0] if len(parts) == 1 else f"Union[{', '.join(parts)}]"
            return f"Optional[{inner}]"
        return f"Union[{', '.join(parts)}]"
    if type_.kind == "generic" and type_.name in ("list", "non-empty-list"):
        return f"Sequence[{python_type(type_.args[0])}]"
    return "Mapping[str, Any]"  # array{...}, array<K, V>


def php_text(text: str) -> str:
    """The PHPStan text as PHP's docblocks take it: path is a string there."""
    return re.sub(r"(?<![\w$-])path(?![\w-])(?!\??:)", "string", text)
