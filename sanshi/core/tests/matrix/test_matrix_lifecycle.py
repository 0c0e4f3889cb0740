"""Every lifecycle step × every persona × protected or not × inside or outside the subtree,
through the JSON API and through the staff console.

Each test builds the world once and puts one concern per placement in the state where its
step is legal; every case then runs in a savepoint that is rolled back, so all cases start
from the same rows. A refused case must answer the expected status, change nothing (concern,
timeline, handlers, legal steps, break-glass grants, the audit of writes) and show no
personal data; an allowed one must append the step's timeline row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.concerns.models import Concern
from sanshi.core.tests.matrix import helpers as h
from sanshi.testing import person_of

API_ACTIONS = tuple(a for a in h.ACTIONS if a != "legal_step")  # the API has no legal steps


def _reclassify_to(concern: Concern) -> str:
    return "safety.dv_help" if concern.protected else "children.education"


def _until(concern: Concern) -> dt.datetime:
    assert concern.resolve_due is not None
    return concern.resolve_due + dt.timedelta(days=5)


def api_call(m: h.Matrix, place: str, action: str, concern: Concern) -> tuple[str, Any]:
    """The endpoint and body of one step through the API."""
    p = m.places[place]
    into_id = p.into.pk if p.into is not None else 0
    calls: dict[str, tuple[str, Any]] = {
        "dispatch": ("dispatch", {"org_id": p.org.pk}),
        "assign": ("assign", {"person_id": person_of(p.extra).pk}),
        "sign": ("sign", None),
        "return": ("return", {"reason": "不属于本社区"}),
        "contact": ("contacts", {"method": "phone", "outcome": "已电话联系"}),
        "refer": ("referrals", {"body": "police"}),
        "note": ("notes", {"note": "已与学校沟通"}),
        "decide_extension": ("extension-decision", {"approve": True}),
        "reply": ("reply", {"reply": h.REPLY}),
        "follow_up": ("follow-up", {"solved": True, "satisfaction": "satisfied"}),
        "close": ("close", {"reason": "居民表示已解决"}),
        "merge": ("merge", {"into_id": into_id}),
        "escalate": ("escalate", {"to_parent": True, "reason": "需要上级协调"}),
        "escalation_response": ("escalation-response", {"response": "街道已协调"}),
        "reclassify": ("reclassify", {"subcategory": _reclassify_to(concern), "reason": "更正"}),
        "change_urgency": ("urgency", {"urgency": "high", "reason": "情况有变化"}),
    }
    if action == "request_extension":
        return "extension-request", {"until": _until(concern).isoformat(), "reason": "需要协调"}
    return calls[action]


def console_form(m: h.Matrix, place: str, action: str, concern: Concern) -> dict[str, Any]:
    """The form one step posts from the concern page."""
    p = m.places[place]
    forms: dict[str, dict[str, Any]] = {
        "dispatch": {"org": p.org.pk, "handler": "", "note": ""},
        "assign": {"person": person_of(p.extra).pk, "role": "assist"},
        "sign": {},
        "return": {"reason": "不属于本社区"},
        "contact": {"method": "phone", "outcome": "已电话联系"},
        "refer": {"body": "police", "reference": "", "follow_up_on": "", "note": ""},
        "note": {"note": "已与学校沟通"},
        "decide_extension": {"decision": "approve", "note": ""},
        "reply": {"reply": h.REPLY},
        "follow_up": {
            "method": "phone",
            "solved": "yes",
            "satisfaction": "satisfied",
            "comment": "",
        },
        "close": {"reason": "居民表示已解决"},
        "merge": {"into": p.into.tracking_code if p.into is not None else "", "note": ""},
        "escalate": {"target": "parent", "department": "", "reason": "需要上级协调"},
        "escalation_response": {"response": "街道已协调", "rating": ""},
        "reclassify": {"subcategory": _reclassify_to(concern), "reason": "更正"},
        "change_urgency": {"urgency": "high", "reason": "情况有变化"},
        "legal_step": {
            "step": "mandatory_report",
            "reported_to": "东街派出所",
            "reported_at": "2025-05-01T09:00",
            "reference": "",
        },
    }
    if action == "request_extension":
        return {"until": h.local_minute(_until(concern)), "reason": "需要协调"}
    return forms[action]


API_STATUS = {"A": 200, "F": 403, "N": 404, "U": 401}
CONSOLE_STATUS = {"A": 303, "F": 403, "N": 404, "U": 302}


def check_api_case(
    m: h.Matrix, api: dict[str, h.Api], before: h.Snapshot, cell: h.Cell, problems: h.Problems
) -> None:
    """One cell of the API matrix: status, nothing changed or one new timeline row, no leak."""
    role, place, protection, action = cell
    expected = h.lifecycle(place, protection, action, role)
    with h.rolled_back():
        concern = m.concern(place, protection)
        path, data = api_call(m, place, action, concern)
        response = api[role].post(f"/concerns/{concern.pk}/{path}", data)
        text = h.body_text(response)
        if response.status_code != API_STATUS[expected]:
            problems.add(
                "api",
                "status",
                cell,
                f"expected {API_STATUS[expected]}, got {response.status_code} {text[:160]}",
            )
        if expected == "A":
            kinds = h.new_event_kinds(concern, before)
            if not one_step(kinds, action):
                problems.add("api", "write", cell, f"new timeline rows {kinds}")
        elif h.snapshot() != before:
            problems.add("api", "write", cell, "refused, yet the database changed")
        # Error bodies never carry the concern; a done step shows it as its reader may see it.
        if (expected != "A" or h.view(place, protection, role) != "V") and h.leaks(text):
            problems.add("api", "leak", cell, f"shows {h.leaks(text)}")


# A handler of the concern's org who signs, contacts or replies becomes its lead (the handler
# shown is the one doing the work): the step may bring one "assigned" row with it.
TAKES_LEAD = frozenset({"sign", "contact", "reply"})


def one_step(kinds: list[str], action: str) -> bool:
    """The step's own timeline row, and its lead change where the step may bring one."""
    if action in TAKES_LEAD and sorted(kinds) == sorted([h.EVENT[action], "assigned"]):
        return True
    return kinds == [h.EVENT[action]]


def check_console_case(
    m: h.Matrix,
    console: dict[str, Client],
    before: h.Snapshot,
    cell: h.Cell,
    problems: h.Problems,
) -> None:
    """One cell of the console matrix: status, nothing changed or one new row, no leak."""
    role, place, protection, action = cell
    expected = h.lifecycle(place, protection, action, role)
    with h.rolled_back():
        concern = m.concern(place, protection)
        form = console_form(m, place, action, concern)
        response = console[role].post(f"/console/c/{concern.pk}/act/{action}/", form)
        text = h.body_text(response)
        if response.status_code != CONSOLE_STATUS[expected]:
            problems.add(
                "console",
                "status",
                cell,
                f"expected {CONSOLE_STATUS[expected]}, got {response.status_code}",
            )
        elif expected == "U" and not response["Location"].startswith("/console/login/"):
            problems.add("console", "status", cell, f"redirected to {response['Location']}")
        if expected == "A":
            kinds = h.new_event_kinds(concern, before)
            if not one_step(kinds, action):
                problems.add("console", "write", cell, f"new timeline rows {kinds}")
        elif h.snapshot() != before:
            problems.add("console", "write", cell, "refused, yet the database changed")
        # A refused step re-renders the concern page: in full only for those who may read it.
        if h.view(place, protection, role) != "V" and h.leaks(text):
            problems.add("console", "leak", cell, f"shows {h.leaks(text)}")


def _setup(state: str) -> h.Matrix:
    m = h.build_matrix()
    for place in h.PLACES:
        for protection, flavour in (("plain", "plain"), ("protected", "urgent")):
            m.places[place].concerns[protection] = h.add_concern(m, place, state, flavour)
        if state in (h.STATE["merge"], "closed"):
            h.add_merge_target(m, place)
    return m


def _cells(action: str) -> list[h.Cell]:
    """Every role × placement × protection (nobody signed in has no placement: once each)."""
    return [
        (role, place, protection, action)
        for protection in h.PROTECTION
        for place in h.PLACES
        for role in h.ROLES
        if role != "anonymous" or place == "inside"
    ]


# Steps grouped by the state they are tried in, so each group builds its concerns once.
STATES = sorted(set(h.STATE.values()))


@pytest.mark.parametrize("state", STATES)
def test_lifecycle_matrix(state: str, db: None) -> None:
    """Each step legal in this state, through the API (where it has an endpoint) and the
    console, in every cell of the table."""
    m = _setup(state)
    api, console = h.api_clients(m), h.console_clients(m)
    before = h.snapshot()
    problems = h.Problems()
    steps = [a for a in h.ACTIONS if h.STATE[a] == state]
    for action in steps:
        for cell in _cells(action):
            if action in API_ACTIONS:
                check_api_case(m, api, before, cell, problems)
            check_console_case(m, console, before, cell, problems)
    assert problems == []
    assert (
        len(steps)
        == {
            "received": 1,
            "dispatched": 3,
            "signed": 10,
            "extension": 1,
            "replied": 2,
            "escalated": 1,
        }[state]
    )


@pytest.mark.parametrize("way", ["api", "console"])
def test_every_step_on_a_closed_concern_is_409(way: str, db: None) -> None:
    """The chair may take every step here; on a closed concern each one is a conflict."""
    m = _setup("closed")
    client: Any = h.Api(m.user("chair")) if way == "api" else h.console_clients(m)["chair"]
    before = h.snapshot()
    statuses = {}
    for protection in h.PROTECTION:
        for action in API_ACTIONS if way == "api" else h.ACTIONS:
            with h.rolled_back():
                concern = m.concern("inside", protection)
                if way == "api":
                    path, data = api_call(m, "inside", action, concern)
                    response = client.post(f"/concerns/{concern.pk}/{path}", data)
                else:
                    form = console_form(m, "inside", action, concern)
                    response = client.post(f"/console/c/{concern.pk}/act/{action}/", form)
                changed = h.snapshot() != before
                statuses[(protection, action)] = (response.status_code, changed)
    assert statuses == dict.fromkeys(statuses, (409, False))
    assert len(statuses) == 2 * (len(API_ACTIONS) if way == "api" else len(h.ACTIONS))
