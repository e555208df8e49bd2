"""The shape of generator/, checked by walking the syntax tree of every module (nothing is imported).

1. Layers import only downward: root < domain < read < rules < form < write < pipeline < cli. "root" is
   generator/__init__.py; from it anyone may import `__version__` and nothing else.
2. Libraries stay in their layer: click in cli; docxtpl, jinja2, markupsafe in form; openpyxl,
   python_calamine, xlsxwriter in read and write.
3. Every import form counts: `import`, `from ... import`, relative imports of any level, imports inside
   functions and `if TYPE_CHECKING:` blocks, `importlib.import_module("...")` and `__import__("...")`.
4. No module is over 400 lines, no two classes share a name, every module starts with a docstring.

The checkers take the package directory, so the tests at the bottom run them on a synthetic package full
of violations to prove that they do report them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Bottom to top. A module may import its own layer and the layers below it.
LAYERS = ("root", "domain", "read", "rules", "form", "write", "pipeline", "cli")
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
# The first name below the package decides the layer: a subpackage or a top-level module.
LAYER_OF = {"domain": "domain", "read": "read", "rules": "rules", "form": "form", "write": "write",
            "pipeline": "pipeline", "workers": "pipeline", "read_back": "pipeline",
            "filled_forms": "pipeline", "cli": "cli",
            "cli_output": "cli", "__main__": "cli"}
NO_LAYER = "no layer"
ROOT_EXPORTS = {"__version__"}
LIBRARY_LAYERS = {
    "click": {"cli"},
    "docxtpl": {"form"}, "jinja2": {"form"}, "markupsafe": {"form"},
    "openpyxl": {"read", "write"}, "python_calamine": {"read", "write"}, "xlsxwriter": {"read", "write"},
}
IMPORT_RULES = ("layers", "root-exports", "no-layer", "unresolved")
MAX_LINES = 400


# --- the package, module by module ---------------------------------------------------------------------

@dataclass(frozen=True)
class Module:
    name: str  # dotted: generator.read.reader; generator for generator/__init__.py
    path: Path
    shown: str  # the path as shown in messages: generator/read/reader.py
    is_package: bool
    text: str
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package that relative imports start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def load_modules(root: Path) -> list[Module]:
    """Every .py under the package directory `root`, recursively."""
    modules = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        text = path.read_text(encoding="utf-8")
        modules.append(Module(".".join(parts[:-1] if is_package else parts), path,
                              path.relative_to(root.parent).as_posix(), is_package, text,
                              ast.parse(text, filename=str(path))))
    return modules


def layer_of(root_name: str, dotted: str) -> str | None:
    """The layer of one of our modules, NO_LAYER when the design does not place it, None when not ours."""
    parts = dotted.split(".")
    if parts[0] != root_name:
        return None
    return "root" if len(parts) == 1 else LAYER_OF.get(parts[1], NO_LAYER)


# --- resolving imports ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    module: Module
    line: int
    statement: str  # the import as written
    target: str | None  # absolute dotted module name; None when it cannot be resolved
    name: str | None = None  # `from target import name` where name is not a module of ours
    problem: str = ""  # why target is None


def _resolve_relative(package: str, level: int, name: str | None) -> str | None:
    """Like importlib: level 1 is the package itself, each further level one package up."""
    bits = package.split(".")
    if level > len(bits):
        return None
    base = ".".join(bits[:len(bits) - level + 1])
    return f"{base}.{name}" if name else base


def _is_our_module(root: Path, dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != root.name or len(parts) == 1:
        return False
    path = root.parent.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _from_target(root: Path, imp: Import, base: str, name: str) -> Import:
    """`from base import name`: the submodule base.name if it is one of ours, else base itself."""
    if name != "*" and _is_our_module(root, f"{base}.{name}"):
        return Import(imp.module, imp.line, imp.statement, f"{base}.{name}")
    return Import(imp.module, imp.line, imp.statement, base, name=name)


def _from_import(root: Path, module: Module, node: ast.ImportFrom, statement: str) -> Iterator[Import]:
    imp = Import(module, node.lineno, statement, None)
    base = node.module if node.level == 0 else _resolve_relative(module.package, node.level, node.module)
    if base is None:
        yield Import(module, node.lineno, statement, None,
                     problem=f"a relative import of level {node.level} reaches above the package {root.name}")
        return
    for alias in node.names:
        yield _from_target(root, imp, base, alias.name)


def _call_args(node: ast.Call, names: tuple[str, ...]) -> dict[str, ast.expr]:
    args = dict(zip(names, node.args, strict=False))
    args.update((kw.arg, kw.value) for kw in node.keywords if kw.arg)
    return args


def _constant(node: ast.expr | None, kind: type, default: object) -> tuple[bool, object]:
    """(True, value) for a missing argument (the default) or a constant of `kind`, else (False, None)."""
    if node is None:
        return True, default
    if isinstance(node, ast.Constant) and isinstance(node.value, kind):
        return True, node.value
    if kind is tuple and isinstance(node, ast.List | ast.Tuple):
        values = [_constant(element, str, None) for element in node.elts]
        if all(ok for ok, _ in values):
            return True, tuple(value for _, value in values)
    return False, None


def _import_module_call(module: Module, node: ast.Call, statement: str) -> Iterator[Import]:
    """importlib.import_module(name, package=None); a relative name needs package."""
    args = _call_args(node, ("name", "package"))
    ok, name = _constant(args.get("name"), str, None)
    if not ok or not name:
        yield Import(module, node.lineno, statement, None, problem="the module name is not a constant string")
        return
    level = len(name) - len(name.lstrip("."))
    if not level:
        yield Import(module, node.lineno, statement, name)
        return
    package_node = args.get("package")
    ok, package = _constant(package_node, str, module.package)
    if isinstance(package_node, ast.Name) and package_node.id == "__package__":
        ok, package = True, module.package
    target = _resolve_relative(package, level, name[level:] or None) if ok else None
    yield Import(module, node.lineno, statement, target,
                 problem="" if target else "the relative name cannot be resolved against a constant package")


def _dunder_import_call(root: Path, module: Module, node: ast.Call, statement: str) -> Iterator[Import]:
    """__import__(name, globals=None, locals=None, fromlist=(), level=0)."""
    args = _call_args(node, ("name", "globals", "locals", "fromlist", "level"))
    ok_name, name = _constant(args.get("name"), str, None)
    ok_from, fromlist = _constant(args.get("fromlist"), tuple, ())
    ok_level, level = _constant(args.get("level"), int, 0)
    if not (ok_name and ok_from and ok_level) or name is None:
        yield Import(module, node.lineno, statement, None,
                     problem="name, fromlist and level must be constants")
        return
    base = _resolve_relative(module.package, level, name or None) if level else name
    if not base:
        yield Import(module, node.lineno, statement, None, problem=f"level {level} reaches above {root.name}")
        return
    imp = Import(module, node.lineno, statement, base)
    if not fromlist:
        yield imp
    for item in fromlist or ():
        yield _from_target(root, imp, base, item)


def _call_kind(node: ast.Call) -> str | None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in {"import_module", "__import__"} else None


def imports_of(root: Path, module: Module) -> Iterator[Import]:
    """Every import anywhere in the module: top level, in functions, under TYPE_CHECKING, dynamic."""
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Import | ast.ImportFrom | ast.Call):
            continue
        kind = _call_kind(node) if isinstance(node, ast.Call) else None
        if isinstance(node, ast.Call) and kind is None:
            continue
        statement = " ".join((ast.get_source_segment(module.text, node) or "").split())
        if isinstance(node, ast.Import):
            yield from (Import(module, node.lineno, statement, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from _from_import(root, module, node, statement)
        elif kind == "import_module":
            yield from _import_module_call(module, node, statement)
        else:
            yield from _dunder_import_call(root, module, node, statement)


# --- judging imports -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    shown: str
    line: int
    module: str
    statement: str
    imported: str
    rule: str  # one of IMPORT_RULES or "libraries"
    reason: str

    def __str__(self) -> str:
        return (f"{self.shown}:{self.line}: {self.module} imports {self.imported} via `{self.statement}`"
                f" -- breaks rule '{self.rule}': {self.reason}")


def _allowed(own: str) -> str:
    return ", ".join(LAYERS[:RANK[own] + 1])


def _judge_ours(imp: Import, own: str, layer: str) -> Iterator[tuple[str, str]]:
    if layer == NO_LAYER:
        yield "no-layer", f"{imp.target} belongs to no layer; place it in LAYER_OF in this test"
    elif layer == "root" and imp.name is not None and imp.name not in ROOT_EXPORTS:
        yield "root-exports", (f"only __version__ may be imported from the package root "
                               f"({imp.target}/__init__.py), not {imp.name!r}")
    elif own != NO_LAYER and RANK[layer] > RANK[own]:
        extra = " (domain/ imports nothing of ours but domain modules and __version__)" * (own == "domain")
        yield "layers", (f"layer {own} may import only {_allowed(own)}; {imp.target} is in the higher "
                         f"layer {layer}{extra}")


def _judge(root_name: str, imp: Import, own: str) -> Iterator[Violation]:
    if imp.target is None:
        found = [("unresolved", f"cannot resolve this import: {imp.problem}")]
        imported = "<unresolved>"
    else:
        imported = imp.target if imp.name is None else f"{imp.target}.{imp.name}"
        top = imp.target.split(".")[0]
        layer = layer_of(root_name, imp.target)
        if layer is not None:
            found = list(_judge_ours(imp, own, layer))
        elif top in LIBRARY_LAYERS and own not in LIBRARY_LAYERS[top]:
            found = [("libraries", f"{top} may be imported only in layer(s) "
                                   f"{', '.join(sorted(LIBRARY_LAYERS[top]))}, and {imp.module.name} is in "
                                   f"layer {own}")]
        else:
            found = []
    for rule, reason in found:
        yield Violation(imp.module.shown, imp.line, imp.module.name, imp.statement, imported, rule, reason)


def check_imports(root: Path) -> list[Violation]:
    """All import violations in the package directory `root` (the layer rules and the library rules)."""
    violations = []
    for module in load_modules(root):
        own = layer_of(root.name, module.name)
        if own == NO_LAYER:
            violations.append(Violation(module.shown, 1, module.name, "-", "-", "no-layer",
                                        f"{module.name} belongs to no layer; place it in LAYER_OF"))
        for imp in imports_of(root, module):
            violations.extend(_judge(root.name, imp, own))
    return violations


# --- size, class names, docstrings ---------------------------------------------------------------------

def check_sizes(root: Path) -> list[str]:
    return [f"{m.shown}: {len(m.text.splitlines())} lines, more than {MAX_LINES}"
            for m in load_modules(root) if len(m.text.splitlines()) > MAX_LINES]


def _classes(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, str, int]]:
    """(name, qualified name, line) of every class, at module level or nested in classes and functions."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            yield child.name, prefix + child.name, child.lineno
            yield from _classes(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _classes(child, f"{prefix}{child.name}.<locals>.")
        else:
            yield from _classes(child, prefix)


def check_class_names(root: Path) -> list[str]:
    where = defaultdict(list)
    for module in load_modules(root):
        for name, qualname, line in _classes(module.tree):
            where[name].append(f"{module.name}.{qualname} ({module.shown}:{line})")
    return [f"class {name} is defined {len(places)} times: {'; '.join(places)}"
            for name, places in sorted(where.items()) if len(places) > 1]


def check_docstrings(root: Path) -> list[str]:
    return [f"{m.shown}: does not start with a docstring" for m in load_modules(root)
            if not (ast.get_docstring(m.tree) or "").strip()]


# --- the real package ----------------------------------------------------------------------------------

def _report(found: list) -> str:
    return f"{len(found)} violation(s):\n" + "\n".join(str(item) for item in found)


def test_the_checker_sees_every_layer_of_the_real_package():
    modules = load_modules(PACKAGE)
    layers = {layer_of(PACKAGE.name, m.name) for m in modules}
    assert layers >= set(LAYERS), f"layers without modules: {set(LAYERS) - layers}"
    ours = [i for m in modules for i in imports_of(PACKAGE, m)
            if i.target and layer_of(PACKAGE.name, i.target) is not None]
    assert len(ours) > 50, "the checker found suspiciously few imports of our own modules"


def test_layers_import_only_downward():
    found = [v for v in check_imports(PACKAGE) if v.rule in IMPORT_RULES]
    assert not found, _report(found)


def test_libraries_stay_in_their_layer():
    found = [v for v in check_imports(PACKAGE) if v.rule == "libraries"]
    assert not found, _report(found)


def test_no_module_is_over_400_lines():
    found = check_sizes(PACKAGE)
    assert not found, _report(found)


def test_no_two_classes_share_a_name():
    found = check_class_names(PACKAGE)
    assert not found, _report(found)


def test_every_module_starts_with_a_docstring():
    found = check_docstrings(PACKAGE)
    assert not found, _report(found)


# --- the checkers on a synthetic package ---------------------------------------------------------------

STUBS = ["__init__.py", "domain/__init__.py", "domain/errors.py", "read/__init__.py", "read/reader.py",
         "rules/__init__.py", "rules/links.py", "rules/sub/__init__.py", "form/__init__.py",
         "form/renderer.py", "write/__init__.py", "write/writer.py", "pipeline.py", "workers.py", "cli.py"]

BAD = {
    "domain/bad.py": "from ..write import writer\n",
    "read/bad2.py": "from click import echo\n",
    "rules/bad3.py": "def f():\n    import jinja2.sandbox as sb\n    return sb\n",
    "domain/bad4.py": "from generator.cli import main\n",
    "rules/bad5.py": "import importlib\n\nimportlib.import_module('xlsxwriter')\n",
    "write/bad6.py": ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                      "    from ..pipeline import run\n"),
    "domain/bad7.py": "from .. import cli\n",
    "rules/sub/bad8.py": "from ...form import renderer\nfrom ...domain import errors\n",
    "domain/bad9.py": "__import__('generator.read.reader')\n__import__('openpyxl')\n",
    "read/bad10.py": ("from importlib import import_module\n\nimport_module('.form.renderer', 'generator')\n"
                      "import_module('..write.writer', package=__package__)\n"
                      "__import__('rules', globals(), None, ['links'], 2)\n"),
    "domain/bad11.py": "from generator import helper\n",
    "domain/bad12.py": "from .... import x\n",
    "extra.py": "import os\n",
    "read/bad13.py": "import importlib\n\nname = 'click'\nimportlib.import_module(name)\n",
    "form/bad14.py": "import generator.cli as c\nimport xlsxwriter.url\n",
}
EXPECTED = {
    ("generator.domain.bad", "generator.write.writer", "layers"),
    ("generator.read.bad2", "click.echo", "libraries"),
    ("generator.rules.bad3", "jinja2.sandbox", "libraries"),
    ("generator.domain.bad4", "generator.cli.main", "layers"),
    ("generator.rules.bad5", "xlsxwriter", "libraries"),
    ("generator.write.bad6", "generator.pipeline.run", "layers"),
    ("generator.domain.bad7", "generator.cli", "layers"),
    ("generator.rules.sub.bad8", "generator.form.renderer", "layers"),
    ("generator.domain.bad9", "generator.read.reader", "layers"),
    ("generator.domain.bad9", "openpyxl", "libraries"),
    ("generator.read.bad10", "generator.form.renderer", "layers"),
    ("generator.read.bad10", "generator.write.writer", "layers"),
    ("generator.read.bad10", "generator.rules.links", "layers"),
    ("generator.domain.bad11", "generator.helper", "root-exports"),
    ("generator.domain.bad12", "<unresolved>", "unresolved"),
    ("generator.extra", "-", "no-layer"),
    ("generator.read.bad13", "<unresolved>", "unresolved"),
    ("generator.form.bad14", "generator.cli", "layers"),
    ("generator.form.bad14", "xlsxwriter.url", "libraries"),
}

LEGAL = {
    "rules/good.py": '''"""Every import form, all of them allowed in rules/."""
from __future__ import annotations

import importlib
import os.path as osp
from typing import TYPE_CHECKING

import generator.domain.errors
from generator import __version__ as v

from .. import __version__
from ..domain import errors
from ..read.reader import read
from . import links
from .links import link
from .sub import thing

if TYPE_CHECKING:
    from ..read import reader


def f():
    from ..domain.errors import OppError
    importlib.import_module("generator.domain.errors")
    importlib.import_module("..read.reader", __package__)
    importlib.import_module(".links", package="generator.rules")
    __import__("generator.read", fromlist=["reader"])
    __import__("domain", globals(), None, ("errors",), 2)
    __import__("re")
    return osp, v, __version__, errors, read, links, link, thing, reader, OppError
''',
    "rules/sub/deep.py": ('"""Three levels up and down again."""\n'
                          "from ...domain import errors\nfrom ... import rules\n"),
    "form/good_form.py": ('"""Templating belongs here."""\nimport docxtpl\nimport jinja2.sandbox as sb\n'
                          "from markupsafe import Markup\nfrom ..rules import links\n"
                          "from ..read import reader\n"),
    "write/good_write.py": ('"""Spreadsheets belong here."""\nimport xlsxwriter\n'
                            "from openpyxl import load_workbook\n"
                            "from python_calamine import CalamineWorkbook\nfrom ..form import renderer\n"),
    "read/good_read.py": '"""Reading spreadsheets."""\nimport openpyxl.utils\nimport python_calamine\n',
    "workers.py": '"""Same layer as the pipeline."""\nfrom . import pipeline\nfrom .write.writer import w\n',
    "cli.py": '"""The top."""\nimport click\nfrom . import pipeline, workers\nfrom .write import writer\n',
    "__main__.py": '"""python -m generator."""\nfrom .cli import main\n',
}


def _write_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "generator"
    for relative in STUBS:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'"""Stub {relative}."""\n', encoding="utf-8")
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def test_the_import_checker_reports_every_synthetic_violation(tmp_path):
    root = _write_package(tmp_path, {**BAD, **LEGAL})
    violations = check_imports(root)
    found = {(v.module, v.imported, v.rule) for v in violations}
    assert EXPECTED - found == set(), f"not reported: {EXPECTED - found}\n{_report(violations)}"
    assert found - EXPECTED == set(), f"reported but legal: {found - EXPECTED}\n{_report(violations)}"
    bad = next(v for v in violations if v.module == "generator.domain.bad")
    assert str(bad) == ("generator/domain/bad.py:1: generator.domain.bad imports generator.write.writer via "
                        "`from ..write import writer` -- breaks rule 'layers': layer domain may import only "
                        "root, domain; generator.write.writer is in the higher layer write (domain/ imports "
                        "nothing of ours but domain modules and __version__)")
    library = next(v for v in violations if v.module == "generator.rules.bad3")
    assert library.line == 2 and library.statement == "import jinja2.sandbox as sb"
    assert "jinja2 may be imported only in layer(s) form" in str(library)


def test_the_import_checker_passes_a_legal_package(tmp_path):
    root = _write_package(tmp_path, LEGAL)
    assert check_imports(root) == []
    good = next(m for m in load_modules(root) if m.name == "generator.rules.good")
    targets = {(i.target, i.name) for i in imports_of(root, good)}
    assert {("generator.read.reader", "read"), ("generator.rules.links", None), ("generator", "__version__"),
            ("generator.rules.sub", "thing"), ("generator.domain.errors", None),
            ("generator.read.reader", None), ("os.path", None), ("re", None)} <= targets


def test_the_other_checkers_report_synthetic_violations(tmp_path):
    root = _write_package(tmp_path, {
        "domain/long.py": '"""Too long."""\n' + "x = 1\n" * MAX_LINES,
        "domain/just.py": '"""Just short enough."""\n' + "x = 1\n" * (MAX_LINES - 1),
        "read/twin.py": '"""One twin."""\n\n\nclass Twin:\n    pass\n',
        "form/twin.py": ('"""The other, nested."""\n\n\ndef make():\n'
                         "    class Twin:\n        pass\n    return Twin\n"),
        "write/bare.py": "import os\n\n\"\"\"Not a docstring: it comes after the import.\"\"\"\n",
        "write/empty.py": "",
    })
    assert check_sizes(root) == [f"generator/domain/long.py: {MAX_LINES + 1} lines, more than {MAX_LINES}"]
    assert check_class_names(root) == [
        "class Twin is defined 2 times: generator.form.twin.make.<locals>.Twin (generator/form/twin.py:5); "
        "generator.read.twin.Twin (generator/read/twin.py:4)"]
    assert check_docstrings(root) == ["generator/write/bare.py: does not start with a docstring",
                                      "generator/write/empty.py: does not start with a docstring"]
