"""No main menu before the second factor: every page in it would lead back to the code page."""

from __future__ import annotations

import pytest

from sanshi.accounts.tests.helpers import code_for, enrolled, password_login
from sanshi.testing import World

pytestmark = pytest.mark.django_db

MENU = '<nav class="main"'


def test_the_code_page_has_no_menu_and_the_console_after_it_has(world: World) -> None:
    device, _ = enrolled(world.chair)
    client, _ = password_login("chair")
    page = client.get("/accounts/2fa/?next=%2Fconsole%2F")
    assert page.status_code == 200
    assert MENU not in page.content.decode()
    done = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"})
    assert (done.status_code, done["Location"]) == (302, "/console/")
    home = client.get("/console/")
    assert home.status_code == 200
    assert MENU in home.content.decode()


def test_first_setup_has_no_menu_and_replacing_has_it(world: World) -> None:
    first, _ = password_login("chair")  # needs 2FA and has no authenticator yet
    setup = first.get("/accounts/2fa/setup/?next=%2Fconsole%2F")
    assert setup.status_code == 200
    assert MENU not in setup.content.decode()
    device, _ = enrolled(world.member)
    client, _ = password_login("member")
    client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"})
    replacing = client.get("/accounts/2fa/replace/?next=%2Fconsole%2Fme%2F")
    assert replacing.status_code == 200
    assert MENU in replacing.content.decode()
