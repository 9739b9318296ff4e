#!/usr/bin/env python3
"""Issue 13's size rules: no file over 800 lines and no function over 60 lines in Sources,
bindings and sandbox (Swift, Python, PHP); with --columns, no line over 120 characters in the
given Swift files (swift format keeps a long string literal whole; ruff and phpcs check their own
languages). Prints each offender; exits 1 if there is any.

Functions are found by their declaration and measured to the brace (or, in Python, the AST
node) that closes them; a closure stored in a property counts as part of its declaration.
"""

import ast
import pathlib
import re
import sys

MAX_FILE, MAX_FUNCTION, MAX_COLUMNS = 800, 60, 120
ROOTS = ["Sources", "bindings", "sandbox"]
SKIP = {"vendor", ".build", "build", "__pycache__", "node_modules"}
SWIFT_DECLARATION = re.compile(r"\b(func\s+[^\s(<]+|init[?!]?\s*[(<]|deinit\s*\{|subscript\s*\()")
PHP_DECLARATION = re.compile(r"\s*(?:(?:public|protected|private|static|final|abstract)\s+)*function\s+(\w+)\s*\(")


def code_part(line: str) -> str:
    """The line without string literals and a trailing // comment (for brace counting)."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("//")[0]


def braced_length(lines: list[str], start: int) -> int | None:
    """Lines from `start` to the brace that closes the first one opened; None if no body."""
    depth, opened = 0, False
    for end in range(start, len(lines)):
        code = code_part(lines[end])
        depth += code.count("{") - code.count("}")
        opened = opened or "{" in code
        if opened and depth <= 0:
            return end - start + 1
        if not opened and (end > start + 8 or code.rstrip().endswith(";")):
            return None
    return None


def swift_functions(lines: list[str]):
    for number, line in enumerate(lines):
        match = SWIFT_DECLARATION.search(line)
        if match and not line.strip().startswith("//"):
            length = braced_length(lines, number)
            if length is not None:
                yield match.group(1), number + 1, length


def php_functions(lines: list[str]):
    for number, line in enumerate(lines):
        match = PHP_DECLARATION.match(line)
        if match:
            length = braced_length(lines, number)
            if length is not None:
                yield match.group(1), number + 1, length


def python_functions(text: str):
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            yield node.name, start, (node.end_lineno or node.lineno) - start + 1


def offences(path: pathlib.Path):
    text = path.read_text(errors="replace")
    lines = text.splitlines()
    if len(lines) > MAX_FILE:
        yield f"{path}: {len(lines)} lines (> {MAX_FILE})"
    functions = {
        ".swift": lambda: swift_functions(lines),
        ".php": lambda: php_functions(lines),
        ".py": lambda: python_functions(text),
    }[path.suffix]()
    for name, line, length in functions:
        if length > MAX_FUNCTION:
            yield f"{path}:{line}: {name} is {length} lines (> {MAX_FUNCTION})"


def long_lines(paths: list[str]) -> list[str]:
    return [
        f"{path}:{number}: {len(line)} columns (> {MAX_COLUMNS})"
        for path in paths
        for number, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1)
        if len(line) > MAX_COLUMNS
    ]


def main(roots: list[str]) -> int:
    found = [
        offence
        for root in roots
        for path in sorted(pathlib.Path(root).rglob("*"))
        if path.suffix in (".swift", ".py", ".php") and not SKIP.intersection(path.parts)
        for offence in offences(path)
    ]
    print("\n".join(found + [f"sizes: {len(found)} over the limits"]))
    return 1 if found else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--columns"]:
        lines = long_lines(sys.argv[2:])
        print("\n".join(lines + [f"columns: {len(lines)} lines over {MAX_COLUMNS}"]))
        sys.exit(1 if lines else 0)
    sys.exit(main(sys.argv[1:] or ROOTS))
