"""The public ways in (no sign-in): Open311 GETs and the resident's track page, for an
ordinary concern and the three kinds of protected one, inside and outside the subtree.

The reporter agreed to publication in every case, so an ordinary concern shows its text in
Open311 and a protected one must still show nothing. Never a name, phone or address.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanshi.core.tests.matrix import helpers as h


def _public_problems(flavour: str, place: str) -> list[str]:
    m = h.build_matrix()
    concern = h.add_concern(m, place, "replied", flavour, publish=True)
    protected = flavour != "plain"
    client = Client()
    before = h.snapshot()
    label = h.case("anonymous", place, flavour)
    problems: list[str] = []

    detail = client.get(f"/open311/v2/requests/{concern.pk}.json")
    if detail.status_code != (404 if protected else 200):
        problems.append(f"{label}: Open311 detail answered {detail.status_code}")
    elif not protected and json.loads(detail.content)[0]["description"] != h.PLAIN_TEXT:
        problems.append(f"{label}: Open311 detail lacks the published text")

    listing = client.get("/open311/v2/requests.json")
    ids = [item["service_request_id"] for item in json.loads(listing.content)]
    if ids != ([] if protected else [str(concern.pk)]):
        problems.append(f"{label}: Open311 list holds {ids}")

    updates = client.get("/open311/v2/servicerequestupdates.json")
    listed = {item["service_request_id"] for item in json.loads(updates.content)}
    if listed != (set() if protected else {str(concern.pk)}):
        problems.append(f"{label}: Open311 updates name {listed}")

    track = client.get(f"/track/{concern.tracking_code}/")
    if track.status_code != 200 or h.REPLY not in track.content.decode():
        problems.append(f"{label}: the track page answered {track.status_code}")

    for name, response in (
        ("detail", detail),
        ("list", listing),
        ("updates", updates),
        ("track", track),
    ):
        text = h.body_text(response)
        shown = [v for v in h.leaks(text) if protected or v != h.PLAIN_TEXT]
        if name == "track" and h.PLAIN_TEXT in text:
            shown.append(h.PLAIN_TEXT)  # the resident's page shows progress, not her words
        if shown:
            problems.append(f"{label}: {name} shows {shown}")
    if h.snapshot() != before:
        problems.append(f"{label}: a public read changed the database")
    return problems


@pytest.mark.parametrize("place", h.PLACES)
@pytest.mark.parametrize("flavour", h.FLAVOURS)
def test_public_matrix(flavour: str, place: str, db: None) -> None:
    assert _public_problems(flavour, place) == []
