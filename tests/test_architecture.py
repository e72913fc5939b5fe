"""The shape of the package: one direction of imports, no cycles, modules and functions a reader can hold.

The layer rule (docs/architecture.md) is import-linter's contract in
pyproject.toml: __main__ > cli > build | importers > site | pdf > render > compute >
load > store > registry > errors | settings.  It is run here as the real
``lint-imports`` command, so a wrong-way import anywhere fails the suite.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "casebook"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
LONG_REASON = "# long:"  # a longer function says why in a comment starting so, above it or first in it


def _lint_imports() -> list[str]:
    script = Path(sys.executable).with_name("lint-imports")
    if not script.exists():  # pragma: no cover - import-linter not installed
        found = shutil.which("lint-imports")
        if not found:
            pytest.skip("import-linter is not installed (pip install -e '.[test]')")
        script = Path(found)
    return [str(script), "--no-cache"]


def test_layer_contract_is_kept():
    result = subprocess.run(_lint_imports(), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _import_graph() -> dict[str, set[str]]:
    import grimp

    graph = grimp.build_graph("casebook", cache_dir=None)
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith("casebook")}
            for m in graph.modules}


def _cycles(adj: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(adj):
        if start in index:
            continue
        work = [(start, iter(sorted(adj[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(adj.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle():
    """Imports inside functions count too: a cycle hidden in a function is still a cycle."""
    assert _cycles(_import_graph()) == []


def test_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_module_is_short_enough(path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(REPO)} has {lines} lines; split it by concept"


def _long_functions_without_reason(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    lines = text.splitlines()
    out = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = node.end_lineno - first + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        above = lines[first - 2].strip().lower() if first >= 2 else ""
        inside = "\n".join(lines[node.lineno:node.lineno + 12]).lower()
        if not (above.startswith(LONG_REASON) or LONG_REASON in inside):
            out.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.name} has {length} lines and no '{LONG_REASON}' comment")
    return out


def test_long_functions_say_why():
    problems = [p for path in _modules() for p in _long_functions_without_reason(path)]
    assert problems == []


def test_imports_inside_functions_say_why():
    """An import inside a function defers a heavy library (or breaks nothing): each one says so in a comment."""
    problems = []
    for path in _modules():
        text = path.read_text("utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)) and inner.col_offset > 0:
                    line = lines[inner.lineno - 1]
                    end = lines[inner.end_lineno - 1]
                    if "#" not in line and "#" not in end:
                        problems.append(f"{path.relative_to(REPO)}:{inner.lineno}: {line.strip()}")
    assert sorted(set(problems)) == []
