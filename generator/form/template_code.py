"""Which Jinja code a template may hold: a whitelist over Jinja's syntax tree.

Allowed: text, `{{ expression }}`, `{% if %}`, and `{% for x in <a list of the export> %}` with at most
MAX_NESTING loops inside each other. In an expression: names and attributes that do not start with `_`,
constants, comparisons, `and`/`or`/`not`, `x if c else y`, `~`, `+`, `-` and `/`, Jinja's tests
(`is defined`), the filters of the sandbox (sandbox.SAFE_FILTERS and datum), and calls of veld(), vinkje()
and koppeling() only.

Refused, because each can cost without bound or reach outside the document: include, import and
extends (another template), macro and call (a macro can call itself, for ever), set and with (a value
that grows), block, filter blocks, autoescape (escaping off lets a value from Excel write XML),
`for ... recursive`, any other call, and `*`, `//`, `%` and `**` (a text, list or number of any size).

The template check reports every refusal (`refusals`); the renderer compiles no template with a refused
statement (`refused_statements`), whatever the check said, and its sandbox limits what expressions make.
"""

from __future__ import annotations

from jinja2 import nodes

from .sandbox import FUNCTIONS, SAFE_FILTERS

MAX_NESTING = 2  # a loop inside a loop; a third level multiplies the rows of three lists
_ALLOWED_STATEMENTS = (nodes.Output, nodes.If, nodes.For)
_WORDS = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from import",
          nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Assign: "set",
          nodes.AssignBlock: "set", nodes.With: "with", nodes.Block: "block", nodes.FilterBlock: "filter",
          nodes.ScopedEvalContextModifier: "autoescape", nodes.ExprStmt: "do"}
_OTHER_TEMPLATE = "het haalt een ander sjabloon binnen"
_RECURSION = "een macro kan zichzelf aanroepen en zo nooit klaar zijn"
_WHY = {"include": _OTHER_TEMPLATE, "import": _OTHER_TEMPLATE, "from import": _OTHER_TEMPLATE,
        "extends": _OTHER_TEMPLATE, "macro": _RECURSION, "call": _RECURSION,
        "autoescape": "zonder escapen kan een waarde uit de export de opmaak van het document breken"}
_DATA = (nodes.Name, nodes.Getattr, nodes.Getitem)
_SIZE_MAKERS = (nodes.Mul, nodes.Pow, nodes.Mod, nodes.FloorDiv)
CALL_REFUSED = ("een aanroep van iets anders dan veld(), vinkje() of koppeling() is code in het sjabloon; "
                "de sandbox weigert of beperkt dit (onveilige code)")

Refusal = tuple[int, str]  # (line in the compiled source, Dutch message)


def refusals(tree: nodes.Template) -> list[Refusal]:
    """Everything in `tree` the template check refuses, in the order of the source."""
    out = refused_statements(tree) + _loops(tree) + refused_expressions(tree)
    return sorted(dict.fromkeys(out), key=lambda r: r[0])


def refused_statements(tree: nodes.Template) -> list[Refusal]:
    """Statements other than if and for, and recursive loops: what the renderer never compiles."""
    out = []
    for node in tree.find_all(nodes.Stmt):
        if isinstance(node, nodes.For) and node.recursive:
            out.append((node.lineno, "'{% for ... recursive %}' is code in het sjabloon; een herhaling die "
                                     "zichzelf aanroept kan nooit klaar zijn"))
        elif not isinstance(node, _ALLOWED_STATEMENTS):
            word = _WORDS.get(type(node), type(node).__name__.lower())
            why = f"; {_WHY[word]}" if word in _WHY else ""
            out.append((node.lineno, f"'{{% {word} %}}' is code in het sjabloon; alleen velden, herhalingen "
                                     f"(for) en voorwaarden (if) zijn toegestaan{why}"))
    return out


def refused_expressions(tree: nodes.Node) -> list[Refusal]:
    """Calls, filters, operators and internal names that the check refuses in any expression."""
    out = []
    for node in tree.find_all(nodes.Expr):
        message = _expression(node)
        if message:
            out.append((node.lineno, message))
    return out


def _expression(node: nodes.Expr) -> str:
    if isinstance(node, nodes.Call):
        if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
            return CALL_REFUSED
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            return f"{node.node.name}() met * of ** is code in het sjabloon; geef de veldnaam zelf"
    elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(attr, str) and attr.startswith("_"):
            return f"'{attr}' is een interne Python-naam; de sandbox weigert dit (onveilige code)"
    elif isinstance(node, nodes.Filter):
        if node.name not in SAFE_FILTERS and node.name != "datum":
            return (f"fout in de sjablooncode: filter '{node.name}' bestaat niet of mag niet in een "
                    "sjabloon; gebruik bijvoorbeeld |datum of |length")
    elif isinstance(node, _SIZE_MAKERS):
        return (f"'{node.operator}' maakt in een sjabloon teksten, lijsten of getallen zonder grens; "
                "reken en herhaal niet in het sjabloon")
    return ""


def _loops(tree: nodes.Template) -> list[Refusal]:
    """Each loop over data of the export, and at most MAX_NESTING loops inside each other."""
    out = []
    for loop in tree.find_all(nodes.For):
        if not _is_data(loop.iter):
            out.append((loop.lineno, "een herhaling (for) kan alleen over een lijst uit de export gaan, "
                                     "zoals 'doelen' of 'ouders'"))
        inner = [loop]
        for depth in range(1, MAX_NESTING + 1):
            inner = [n for outer in inner for child in outer.body for n in _loops_in(child)]
            if inner and depth == MAX_NESTING:
                out.append((inner[0].lineno, f"meer dan {MAX_NESTING} herhalingen (for) in elkaar; zo'n "
                                             "document kan onbegrensd groot worden"))
    return out


def _loops_in(node: nodes.Node) -> list[nodes.For]:
    """The loops in `node` that are not inside another loop in it."""
    if isinstance(node, nodes.For):
        return [node]
    return [loop for child in node.iter_child_nodes() for loop in _loops_in(child)]


def _is_data(node: nodes.Expr) -> bool:
    """A name from the context, an attribute or item of one, or a safe filter over one."""
    while isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Filter) and node.node is None:
            return False
        node = node.node
    return isinstance(node, nodes.Name)
