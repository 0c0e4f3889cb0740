from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str]]:
    text = PO.read_text(encoding="utf-8")
    found = re.findall(r'\nmsgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n)+)', text)
    join = lambda block: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))  # noqa: E731
    return [(join(i), join(s)) for i, s in found if join(i)]


def test_every_string_has_an_english_translation() -> None:
    entries = _entries()
    assert len(entries) >= 140
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1  # compiled after edits


@pytest.mark.django_db
def test_report_form_in_english(client: Client) -> None:
    page = client.get("/report/", headers={"accept-language": "en"}).content.decode()
    assert '<label for="id_text">What happened?</label>' in page
    assert "Personal Information Protection Law" in page
