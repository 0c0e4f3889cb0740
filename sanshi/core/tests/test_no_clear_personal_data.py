"""No personal data in clear in the database: a dump after real intake finds none of it.

Concerns come in through the public form and Open311 with marked names, phones, ID numbers
and texts; the whole database is then dumped (SQLite: iterdump; PostgreSQL: pg_dump of the
test database) and searched for each marker. The log records of those requests are searched
too. Staff still find the concern by a word of its text.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sanshi.console.tests import helpers as h
from sanshi.intake.actions import create_open311_key
from sanshi.testing import World

NAME, PHONE, ID_NUMBER = "蓝星月", "13911112222", "450502199001011234"
OTHER_NAME, OTHER_PHONE = "Quentin Zebulon", "13933334444"
# Words only a resident would write, in two concerns' texts.
PHRASE = "紫藤花架下的秋千断了绳子"
OTHER_PHRASE = "xylophonic marmalade reservoir"
MARKERS = [
    NAME,
    PHONE,
    "1391111",
    "1111 2222",
    ID_NUMBER,
    "19900101",
    OTHER_NAME,
    "Zebulon",
    OTHER_PHONE,
    PHRASE,
    "紫藤花架",
    "秋千断了",
    OTHER_PHRASE,
    "marmalade",
]


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    s = connection.settings_dict
    host, port, user = s["HOST"] or "127.0.0.1", str(s["PORT"] or 5432), s["USER"] or "postgres"
    command = [pg_dump, "--data-only", "-h", host, "-p", port, "-U", user, s["NAME"]]
    env = {"PGPASSWORD": s["PASSWORD"] or ""}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)  # noqa: S603
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_dump_and_the_logs_hold_no_marked_personal_data(
    world: World, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.SANSHI_INTAKE_IP_RATE = 0
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk  # unrouted concerns: the dispatcher's org
    caplog.set_level(logging.DEBUG)
    form = Client()
    text = f"我叫{NAME}，电话{PHONE}，身份证号{ID_NUMBER}。小区{PHRASE}，一直没人修。"
    sent = form.post("/report/", {"text": text, "name": NAME, "phone": PHONE, "consent": "on"})
    assert sent.status_code == 302
    key = create_open311_key("marker-client").raw
    posted = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "community.environment",
            "address_string": "北海市海城区",
            "description": f"{OTHER_PHRASE} near the lake",
            "first_name": "Quentin",
            "last_name": "Zebulon",
            "phone": OTHER_PHONE,
        },
    )
    assert posted.status_code == 201
    staff = h.logged_in(world.dispatcher)
    assert staff.get("/console/search/", {"q": PHONE}).status_code == 200

    dump = _dump()
    assert "concerns_concern" in dump
    assert [m for m in MARKERS if m in dump] == []
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert [m for m in MARKERS if m in logs] == []

    # ... and a word of the text still finds it, for staff who may see it
    page = staff.get("/console/search/", {"q": "秋千"}).content.decode()
    assert page.count("data-concern=") == 1
    page = staff.get("/console/search/", {"q": "marmalade"}).content.decode()
    assert page.count("data-concern=") == 1
