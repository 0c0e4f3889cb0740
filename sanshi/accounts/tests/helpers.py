from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from sanshi.accounts.backup_codes import replace_backup_codes
from sanshi.accounts.models import Authenticator

PASSWORD = "pw-for-tests-only"  # sanshi.testing.make_user's


def code_for(device: Authenticator) -> str:
    return f"{device.totp().token():06d}"


def wrong_code_for(device: Authenticator) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def password_login(
    username: str, password: str = PASSWORD, ip: str = "10.0.0.1"
) -> tuple[Client, int]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/console/login/", {"username": username, "password": password})
    return client, response.status_code


def enrolled(user: User, name: str = "phone") -> tuple[Authenticator, list[str]]:
    """A confirmed authenticator and a set of backup codes, as after setting up."""
    device = Authenticator.objects.create(user=user, name=name, confirmed=True)
    with transaction.atomic():
        codes = replace_backup_codes(user)
    return device, codes
