"""Both languages whole: no page text outside {% translate %}, no marked string without English.

The first test reads every template the way a reviewer would: Chinese characters outside a
translate or blocktranslate tag are text an English reader would see untranslated. The second
runs `makemessages` over a copy of the code (so the tree is not touched) and fails on any
string marked for translation that no catalogue translates, or only fuzzily.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]  # the sanshi package
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
COMMENTS = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->|\{#.*?#\}", re.S)
BLOCKS = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
# Inside a tag or variable, a Chinese literal is fine only as _("…") or a translate tag.
MARKED_LITERAL = re.compile(r"""_\(\s*(["']).*?\1\s*\)""", re.S)
TRANSLATE_TAG = re.compile(r"^\{%\s*trans(?:late)?\s")

# Text meant in both languages at once, or a language's own name in its own language.
ALLOWED = {
    "core/templates/core/unavailable.html",  # served while the database is away: no i18n
}
OWN_NAMES = re.compile(r"""<(option|button)[^>]*\blang="zh-Hans"[^>]*>中文</\1>""")


def unmarked_chinese(template: str) -> list[str]:
    """The Chinese a template shows outside translate tags, one excerpt per line."""
    text = OWN_NAMES.sub("", BLOCKS.sub("", COMMENTS.sub("", template)))

    def keep_unmarked(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not HAN.search(tag) or TRANSLATE_TAG.match(tag):
            return ""
        rest = MARKED_LITERAL.sub("", tag)
        return tag if HAN.search(rest) else ""

    text = TAGS.sub(keep_unmarked, text)
    return [line.strip()[:120] for line in text.splitlines() if HAN.search(line)]


def test_unmarked_chinese_is_found_in_a_template() -> None:
    sample = (
        '{% load i18n %}<h1>{% translate "办理" %}</h1><p>未标记</p>'
        '{{ x|default:_("未分类") }}{{ y|default:"没有" }}'
        "{% blocktranslate %}共 {{ n }} 件{% endblocktranslate %}"
    )
    assert unmarked_chinese(sample) == ['<h1></h1><p>未标记</p>{{ y|default:"没有" }}']


def test_every_template_marks_its_chinese_for_translation() -> None:
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        name = str(path.relative_to(ROOT))
        if "/tests/" in name or name in ALLOWED:
            continue
        found += [f"{name}: {line}" for line in unmarked_chinese(path.read_text("utf-8"))]
    assert found == []


def _copy_sources(target: Path) -> list[Path]:
    """The apps' code, templates and catalogues (not tests or migrations); the app folders."""
    apps = []
    for app in sorted(p for p in ROOT.iterdir() if (p / "apps.py").exists()):
        apps.append(target / app.name)
        for path in app.rglob("*"):
            rel = path.relative_to(ROOT)
            if path.is_dir() or {"tests", "migrations", "__pycache__"} & set(rel.parts):
                continue
            if path.suffix in {".py", ".html", ".txt", ".po"}:
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target / rel)
    return apps


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_every_marked_string_has_an_english_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps = _copy_sources(tmp_path)
    catalogues = []
    for app in apps:
        (app / "locale").mkdir(exist_ok=True)  # an app without a catalogue gets one here
        monkeypatch.chdir(app)
        call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
        po = app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if po.exists():
            catalogues.append((app.name, polib.pofile(str(po))))
    # Django merges every app's catalogue: a string is English if any catalogue translates it;
    # one written in English already (Django admin's own templates) needs no entry.
    english = {_key(e) for _, po in catalogues for e in po if _translated(e)}
    missing = sorted(
        f"{app}: {e.msgctxt + ' | ' if e.msgctxt else ''}{e.msgid}"
        for app, po in catalogues
        for e in po
        if not e.obsolete and not e.msgid.isascii() and _key(e) not in english
    )
    assert missing == []
