"""The docx zip writer: a valid zip whether ISA-L is installed or not (no wheel for Windows on ARM)."""

from __future__ import annotations

import importlib
import io
import sys
import zipfile
import zlib

import pytest

from generator.form import docx_zip

MEMBERS = {"[Content_Types].xml": b"<Types/>" * 50, "word/document.xml": "<w:t>Zoë ı ş</w:t>".encode() * 400}


def _zip_of(module) -> bytes:
    return module.write_zip([module.compress(name, data) for name, data in MEMBERS.items()])


@pytest.fixture
def without_isal(monkeypatch):
    """docx_zip as it loads where isal cannot be imported; the real module is restored afterwards."""
    monkeypatch.setitem(sys.modules, "isal", None)  # `import isal...` now raises ImportError
    monkeypatch.delitem(sys.modules, "isal.isal_zlib", raising=False)
    yield importlib.reload(docx_zip)
    monkeypatch.undo()
    importlib.reload(docx_zip)


def test_without_isal_the_zip_module_falls_back_to_zlib(without_isal):
    assert without_isal._fast_zlib is zlib


@pytest.mark.parametrize("variant", ["installed", "without isal"])
def test_the_zip_opens_and_every_member_comes_back_exactly(variant, request):
    module = request.getfixturevalue("without_isal") if variant == "without isal" else docx_zip
    data = _zip_of(module)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert {info.filename: zf.read(info) for info in zf.infolist()} == MEMBERS
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in zf.infolist())
