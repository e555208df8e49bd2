"""The pipeline's shape stays as designed: leaves import nothing of ours, no stage imports a later
stage, the library never imports click."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
LEAVES = {"errors", "findings", "fields", "records"}
# Stages in pipeline order; a module may import only from stages at or before its own.
ORDER = ["errors", "findings", "fields", "records", "convert", "mapping", "csvbestand", "reader", "validator",
         "rules", "links", "context", "controls", "docxzip", "zipcheck", "renderer", "parallel", "manifest",
         "writer", "register", "report", "sjablooncheck", "pipeline", "cli"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            found.add(node.module.split(".")[1] if "." in node.module else "")
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names if a.name.startswith("click"))
    return found


def _modules() -> dict[str, set[str]]:
    return {p.stem: _imports(p) for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__"}}


def test_leaves_import_nothing_of_ours():
    for name, imports in _modules().items():
        if name in LEAVES:
            assert imports - {"click"} <= {"findings"} if name == "records" else not imports, (name, imports)


def test_no_stage_imports_a_later_stage():
    modules = _modules()
    unknown = set(modules) - set(ORDER)
    assert not unknown, f"add new modules to ORDER in this test: {unknown}"
    for name, imports in modules.items():
        later = {i for i in imports if i in ORDER and ORDER.index(i) > ORDER.index(name)}
        assert not later, f"{name} imports later stages {later}"


def test_only_the_cli_imports_click():
    for path in PACKAGE.glob("*.py"):
        if path.stem != "cli":
            assert "click" not in _imports(path), path.name
