"""Tracking codes residents can read aloud: 11 random characters and a check character.

The alphabet leaves out look-alikes (0/O, 1/I/L) and U (read as V); 30 symbols, 11 of them
random give about 54 bits, drawn from `secrets`, so codes cannot be guessed. The check character is
Luhn mod 31 (catches every single-character error and most swaps of neighbours).
"""

from __future__ import annotations

import random
import secrets

# 30 symbols: Luhn mod N needs an even N for doubling to be a permutation.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
LENGTH = RANDOM_LENGTH + 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """Luhn mod N over the alphabet."""
    n = len(ALPHABET)
    factor = 2
    total = 0
    for ch in reversed(body):
        addend = factor * _INDEX[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_tracking_code(rng: random.Random | None = None) -> str:
    """A fresh code; pass a seeded `rng` only for reproducible demo data."""
    if rng is None:
        body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    else:
        body = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def normalise_tracking_code(text: str) -> str | None:
    """Uppercase, drop spaces and dashes; None when the code cannot be valid."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    if len(cleaned) != LENGTH or any(ch not in _INDEX for ch in cleaned):
        return None
    return cleaned if check_character(cleaned[:-1]) == cleaned[-1] else None


def format_tracking_code(code: str) -> str:
    """Groups of four for reading aloud: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
