"""The jieba user dictionary: domain words kept whole by the segmenter (rjieba)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import rjieba

USER_DICT = Path(__file__).with_name("userdict.txt")


@cache
def segmenter() -> rjieba.Jieba:
    """rjieba with the user dictionary loaded (word, optional frequency and tag per line)."""
    jieba = rjieba.Jieba()
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 else 100_000
        tag = parts[2] if len(parts) > 2 else "n"
        jieba.add_word(parts[0], freq, tag)
    return jieba


def words(text: str) -> list[str]:
    """The text's words, without punctuation and spaces."""
    return [w for w in segmenter().cut(text) if w.strip() and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return len(word) == 1 and not word.isalnum()
