"""The labeled corpus shipped in the repository (corpus/*.jsonl), train and eval parts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sanshi.concerns.taxonomy import taxonomy

CORPUS_DIR = Path(__file__).with_name("corpus")


@dataclass(frozen=True)
class Example:
    text: str
    subcategory: str
    critical: bool
    split: str = "train"  # "train" or "eval"
    source: str = "corpus"  # a corpus file name, or "staff" for confirmed concerns

    @property
    def category(self) -> str:
        return self.subcategory.split(".", 1)[0]


def parse_lines(lines: Iterable[str], source: str) -> list[Example]:
    """Read JSON lines; a wrong code or split fails loudly with the file and line."""
    subs = taxonomy().subcategories
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        row = json.loads(line)
        sub, split = row["sub"], row.get("split", "train")
        if sub not in subs or split not in ("train", "eval"):
            raise ValueError(f"{source}:{number}: unknown subcategory {sub!r} or split {split!r}")
        critical = bool(row.get("critical", subs[sub].urgent))
        found.append(Example(row["text"], sub, critical, split, source))
    return found


@cache
def corpus() -> tuple[Example, ...]:
    """Every example of every corpus file, in file order."""
    rows: list[Example] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(parse_lines(handle, path.name))
    return tuple(rows)


def train_part() -> list[Example]:
    return [e for e in corpus() if e.split == "train"]


def eval_part() -> list[Example]:
    return [e for e in corpus() if e.split == "eval"]


# ---------------------------------------------------------------- real texts (../shared)

# Short names for the sources of the labelled real texts (README.md beside them).
SOURCE_GROUPS = (
    ("FineGrainedSuicideDetection", "suicide-weibo"),
    ("Introduction-to-AI-Course/ai_04", "gov-board"),
    ("wuhancrisis", "wuhan-help"),
    ("NUSTM/ECPE", "news-ecpe"),
    ("covid-19-weibo", "weibo-epidemic"),
)


def source_group(source: str) -> str:
    """The short name of a labelled text's source ("web-news" for a news page's URL)."""
    for marker, name in SOURCE_GROUPS:
        if marker in source:
            return name
    return "web-news" if source.startswith("http") else "other"


def read_labelled(path: Path, split: str = "train") -> list[Example]:
    """Real texts labelled with a top category and `critical` (one JSON object a line).

    Their subcategory is the category code alone: they teach category and danger, not the
    subcategory. A wrong category fails loudly with the file and line.
    """
    cats = taxonomy().by_code
    found = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, category, critical = row["text"], row["category"], row["critical"]
            except (ValueError, KeyError, TypeError):
                raise ValueError(
                    f'{path.name}:{number}: expected {{"text", "category", "critical"}}'
                ) from None
            if category not in cats:
                raise ValueError(f"{path.name}:{number}: unknown category {category!r}")
            group = source_group(str(row.get("source", "")))
            found.append(Example(str(text), category, bool(critical), split, group))
    return found
