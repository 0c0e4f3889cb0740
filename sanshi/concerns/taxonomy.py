"""The classification of concerns, read from taxonomy.yaml beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml
from django.utils.translation import get_language

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.yaml")


def _in_language(name: str, en: str) -> str:
    """Chinese unless the reader reads English (the YAML's English starts in lower case)."""
    if en and (get_language() or "").startswith("en"):
        return en[:1].upper() + en[1:]
    return name


@dataclass(frozen=True)
class Subcategory:
    code: str
    name: str
    en: str
    category: str
    sanshi: str
    urgent: bool

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return _in_language(self.name, self.en)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    en: str
    sanshi: str
    subcategories: tuple[Subcategory, ...]

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return _in_language(self.name, self.en)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]

    # Made once per taxonomy (intake asks for them on every concern); not to be changed.
    @cached_property
    def subcategories(self) -> dict[str, Subcategory]:
        return {s.code: s for c in self.categories for s in c.subcategories}

    @cached_property
    def by_code(self) -> dict[str, Category]:
        return {c.code: c for c in self.categories}


@cache
def taxonomy() -> Taxonomy:
    """The default taxonomy (cached; a deployment replaces the YAML file)."""
    raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    categories = []
    for cat in raw["categories"]:
        subs = tuple(
            Subcategory(
                code=s["code"],
                name=s["name"],
                en=s["en"],
                category=cat["code"],
                sanshi=s.get("sanshi", cat["sanshi"]),
                urgent=bool(s.get("urgent", False)),
            )
            for s in cat["subcategories"]
        )
        categories.append(Category(cat["code"], cat["name"], cat["en"], cat["sanshi"], subs))
    return Taxonomy(tuple(categories))


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in taxonomy().categories]


def subcategory_choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in taxonomy().subcategories.values()]


def name_of(code: str) -> str:
    """A category's or sub-category's name in the reader's language (the code if unknown)."""
    tax = taxonomy()
    found: Category | Subcategory | None = tax.subcategories.get(code) or tax.by_code.get(code)
    return found.label if found is not None else code
