"""One cell of each known disagreement between the table and the code, as a strict xfail.

The matrix leaves these checks out (helpers.KNOWN); here they run in full, so the day the
code is fixed the xfail turns into a failure that asks for the entry to be removed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sanshi.core.tests.matrix import helpers as h
from sanshi.core.tests.matrix import test_matrix_lifecycle as lifecycle
from sanshi.core.tests.matrix import test_matrix_views as views


def _view_cell(way: str, check: views.Check, role: str, flavour: str, place: str) -> list[str]:
    m = h.build_matrix()
    clients = h.api_clients(m) if way.startswith("api") else h.console_clients(m)
    concern = h.add_concern(m, place, "signed", flavour)
    problems = h.Problems(strict=True)
    check(clients[role], concern, (role, place, h.protection_of(flavour), flavour), problems)
    return problems


KNOWN_CASES: dict[str, Callable[[], list[str]]] = {}


def _lifecycle_cell(role: str, place: str, protection: str, action: str) -> list[str]:
    m = lifecycle._setup(h.STATE[action])
    api = h.api_clients(m)
    problems = h.Problems(strict=True)
    lifecycle.check_api_case(m, api, h.snapshot(), (role, place, protection, action), problems)
    return problems


def test_every_known_disagreement_has_a_case() -> None:
    assert sorted(KNOWN_CASES) == sorted(k.name for k in h.KNOWN)


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="a known disagreement; see helpers.KNOWN"
)
@pytest.mark.parametrize("name", sorted(KNOWN_CASES))
def test_known_disagreement(name: str, db: None) -> None:
    assert KNOWN_CASES[name]() == []
