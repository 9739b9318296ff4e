"""The sandbox's size and layout rules (issue 13), checked by sandbox/check_layout.py: no file over 800
lines, no function over 60, no star import, no import cycle and no import up the layers in the
emulator package — and the checker itself, on files made to break each rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_support import SANDBOX  # puts sandbox/ on the path, where check_layout is

# isort: off
import check_layout

# isort: on


@pytest.fixture(autouse=True)
def clean() -> None:
    """These checks read files only: there is no sandbox to reset."""


def test_no_file_under_sandbox_is_over_800_lines() -> None:
    files = check_layout.sandbox_files()
    assert SANDBOX / "sello_sandbox.py" in files and SANDBOX / "README.md" in files
    assert check_layout.long_files(files) == []


def test_no_function_in_sandbox_is_over_60_lines() -> None:
    python = [path for path in check_layout.sandbox_files() if path.suffix == ".py"]
    assert SANDBOX / "tests" / "test_sandbox_layout.py" in python
    assert [breach for path in python for breach in check_layout.long_functions(path)] == []


def test_no_star_imports() -> None:
    python = [path for path in check_layout.sandbox_files() if path.suffix == ".py"]
    assert [breach for path in python for breach in check_layout.star_imports(path)] == []


def test_the_emulator_package_has_no_import_cycle() -> None:
    graph = check_layout.import_graph()
    assert "emulator.server.main" in graph and "emulator.core.state" in graph["emulator.server.handler"]
    assert check_layout.import_cycles(graph) == []


def test_the_whole_check_passes() -> None:
    assert check_layout.breaches() == []


def write_function(path: Path, body_lines: int, decorated: bool = False) -> None:
    """A function of exactly ``body_lines`` + 1 lines (+1 with a decorator)."""
    head = ["@staticmethod"] if decorated else []
    path.write_text("\n".join(head + ["def f():"] + ["    x = 1"] * body_lines) + "\n")


def test_the_checker_counts_a_function_with_its_decorators(tmp_path: Path) -> None:
    write_function(tmp_path / "ok.py", 59)
    write_function(tmp_path / "long.py", 60)
    write_function(tmp_path / "decorated.py", 59, decorated=True)
    assert check_layout.long_functions(tmp_path / "ok.py") == []
    assert check_layout.long_functions(tmp_path / "long.py") == [f"{tmp_path / 'long.py'}:1 f: 61 lines (limit 60)"]
    assert len(check_layout.long_functions(tmp_path / "decorated.py")) == 1


def test_the_checker_finds_long_files_and_star_imports(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x\n" * 800)
    (tmp_path / "b.md").write_text("x\n" * 801)
    (tmp_path / "c.py").write_text("from os import *\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "d.py").write_text("x\n" * 900)
    files = check_layout.sandbox_files(tmp_path)
    assert [path.name for path in files] == ["a.md", "b.md", "c.py"]
    assert check_layout.long_files(files) == [f"{tmp_path / 'b.md'}: 801 lines (limit 800)"]
    assert check_layout.star_imports(tmp_path / "c.py") == [f"{tmp_path / 'c.py'}:1 from os import *"]


def test_the_checker_finds_import_cycles_but_not_type_checking_imports(tmp_path: Path) -> None:
    package = tmp_path / "emulator"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from emulator.b import thing\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nimport emulator.c\nif TYPE_CHECKING:\n    from emulator.a import other\n"
    )
    (package / "c.py").write_text("from emulator import a\n")
    graph = check_layout.import_graph(tmp_path)
    assert graph["emulator.b"] == {"emulator.c"}
    assert check_layout.import_cycles(graph) == ["emulator.a -> emulator.b -> emulator.c -> emulator.a"]
    (package / "c.py").write_text("import os\n")
    assert check_layout.import_cycles(check_layout.import_graph(tmp_path)) == []
    assert [line for line in check_layout.breaches(tmp_path) if line.startswith("import cycle")] == []


def test_the_checker_finds_an_import_up_the_layers(tmp_path: Path) -> None:
    package = tmp_path / "emulator"
    (package / "core").mkdir(parents=True)
    (package / "services").mkdir()
    (package / "core" / "runtime.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from emulator.services.x import Y\n"
    )
    (package / "core" / "state.py").write_text("import emulator.services.x\n")
    (package / "services" / "x.py").write_text("from emulator.core.state import LOCK\n")
    graph = check_layout.import_graph(tmp_path)
    assert check_layout.upward_imports(graph) == [
        "emulator.core.state imports emulator.services.x (services is above core)"
    ]
    assert check_layout.upward_imports(check_layout.import_graph()) == []
