from __future__ import annotations

import random

from sanshi.concerns.tracking import (
    ALPHABET,
    check_character,
    format_tracking_code,
    new_tracking_code,
    normalise_tracking_code,
)


def test_codes_have_twelve_unambiguous_characters_and_a_valid_check() -> None:
    codes = {new_tracking_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set(ALPHABET)
        assert normalise_tracking_code(code) == code
    assert not set("01ILOU") & set(ALPHABET)


def test_every_single_character_error_is_caught() -> None:
    code = new_tracking_code(random.Random(7))
    for i in range(len(code)):
        for ch in ALPHABET:
            if ch != code[i]:
                assert normalise_tracking_code(code[:i] + ch + code[i + 1 :]) is None


def test_swapping_neighbours_is_caught_in_nearly_every_case() -> None:
    rng = random.Random(11)
    caught = total = 0
    for _ in range(300):
        code = new_tracking_code(rng)
        for i in range(len(code) - 1):
            if code[i] == code[i + 1]:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            total += 1
            caught += normalise_tracking_code(swapped) is None
    assert caught / total > 0.95


def test_read_aloud_forms_are_accepted() -> None:
    code = new_tracking_code(random.Random(3))
    spoken = format_tracking_code(code).lower()
    assert spoken.count("-") == 2
    assert normalise_tracking_code(f" {spoken} ") == code
    assert normalise_tracking_code(code[:-1]) is None
    assert check_character(code[:-1]) == code[-1]
