"""The test suite's own layout: shared helpers live in conftest modules or `tests/helpers/`."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imports_from_tests(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests."):
            found.extend((node.module or "", alias.name) for alias in node.names)
    return found


def test_no_test_module_imports_another_test_module_or_a_private_name() -> None:
    offending = []
    for path in sorted(TESTS.rglob("*.py")):
        for module, name in _imports_from_tests(path):
            if module.rsplit(".", 1)[-1].startswith("test_") or name.startswith("_"):
                offending.append(f"{path.relative_to(TESTS)}: from {module} import {name}")
    assert offending == []
