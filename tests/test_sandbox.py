"""Templates are code: they render sandboxed and strict; data is never evaluated as template code."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from generator.domain.errors import TemplateError
from generator.form.renderer import CompiledTemplate


def _template(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__.os.popen('touch /tmp/opp-pwned').read() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ lipsum.__globals__['os'] }}",
])
def test_code_in_a_template_is_refused_by_the_sandbox(tmp_path, payload):
    template = CompiledTemplate(_template(tmp_path, payload))
    with pytest.raises(Exception) as info:
        template.render({})
    # refused by the sandbox, or the global is not there at all (lipsum is not: it makes text without bound)
    message = str(info.value)
    assert "unsafe" in message or "SecurityError" in type(info.value).__name__ or "is undefined" in message
    assert not Path("/tmp/opp-pwned").exists()


def test_a_missing_variable_is_an_error_not_a_blank(tmp_path):
    with pytest.raises(TemplateError, match="naam"):
        CompiledTemplate(_template(tmp_path, "Hallo {{ leerling.naam }}")).render({"leerling": {}})


def test_a_broken_template_is_refused_when_compiled(tmp_path):
    with pytest.raises(TemplateError, match="t.docx"):
        CompiledTemplate(_template(tmp_path, "{% for x in %}"))


def _render(text: str, context: dict) -> str:
    from generator.form.renderer import make_environment
    return make_environment().from_string(text).render(context)


def test_the_shortcut_for_our_own_functions_leaves_other_callables_to_the_sandbox():
    class Bestand:
        def wis(self):
            return "gewist"
        wis.alters_data = True

    with pytest.raises(Exception, match="not safely callable"):
        _render("{{ b.wis() }}", {"b": Bestand()})


def test_a_field_inside_a_loop_that_sets_variables_still_resolves_them():
    # Jinja hands such a call the loop's variables; the shortcut must leave that to the sandbox's path
    text = ("{% for d in doelen %}{% set leerling = {'roepnaam': d} %}"
            "{{ veld('leerling.roepnaam') }}{% endfor %}")
    out = _render(text, {"doelen": ["Anna", "Bram"], "leerling": {"roepnaam": "buiten"}})
    assert ">Anna<" in out and ">Bram<" in out and "buiten" not in out


def test_a_field_outside_such_a_loop_reads_the_context():
    out = _render("{% for d in doelen %}{{ veld('leerling.roepnaam') }}{% endfor %}",
                  {"doelen": [1, 2], "leerling": {"roepnaam": "Cem"}})
    assert out.count(">Cem<") == 2
