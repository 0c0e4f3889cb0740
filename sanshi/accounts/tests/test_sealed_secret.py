"""The authenticator's secret is sealed at rest, and everything that needs it still works."""

from __future__ import annotations

import datetime as dt
import os
import re
from base64 import b32decode

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanshi.accounts.models import Authenticator
from sanshi.accounts.tests.helpers import code_for, enrolled, password_login
from sanshi.core.crypto import sealer

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=dt.UTC)
SETUP = "/accounts/2fa/setup/?next=%2Fconsole%2F"
AAD = "accounts.authenticator.key"
BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_move_totp_devices_sealed")]


def raw_key(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticator WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.fixture
def key_ring(settings):
    """Run a test with a known key ring, restoring the cached sealer after."""

    def use(*kids: str) -> None:
        settings.SANSHI_ENCRYPTION_KEYS = [
            (kid, keys.setdefault(kid, os.urandom(32))) for kid in kids
        ]
        sealer.cache_clear()

    keys: dict[str, bytes] = {}
    yield use
    sealer.cache_clear()


def test_the_secret_is_sealed_and_a_code_from_it_signs_in_over_http(world) -> None:
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        body = client.get(SETUP).content.decode()
        secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', body).group(1)
        device = Authenticator.objects.get(user=world.chair)
        hex_secret = b32decode(secret).hex()
        raw = raw_key(device.pk)
        assert (len(secret), raw.startswith(sealer().current_prefix)) == (32, True)
        assert (hex_secret in raw, secret in raw) == (False, False)
        assert sealer().open(raw, AAD) == hex_secret
        assert device.config_url == (
            f"otpauth://totp/sanshi%3Achair?secret={secret}"
            "&algorithm=SHA1&digits=6&period=30&issuer=sanshi"
        )
        # What an authenticator app computes from the secret shown, not from the model.
        app = TOTP(b32decode(secret))
        confirmed = client.post(SETUP, {"code": f"{app.token():06d}", "next": "/console/"})
        assert confirmed.status_code == 200
        assert client.get("/console/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        again, _ = password_login("chair")
        assert again.get("/console/").status_code == 302
        ok = again.post("/accounts/2fa/", {"code": f"{app.token():06d}", "next": "/console/"})
        assert (ok.status_code, ok["Location"]) == (302, "/console/")
        assert again.get("/console/").status_code == 200
    # Saving the device for a verification did not store the secret in clear either.
    assert sealer().open(raw_key(device.pk), AAD) == hex_secret


def test_rotate_keys_reseals_the_secret(world, key_ring) -> None:
    key_ring("k1")
    device, _ = enrolled(world.chair)
    hex_secret = device.key
    assert raw_key(device.pk).startswith("A:k1:")
    key_ring("k2", "k1")
    call_command("rotate_keys", verbosity=0)
    assert raw_key(device.pk).startswith("A:k2:")
    key_ring("k2")  # k1 retired: the secret still opens
    fresh = Authenticator.objects.get(pk=device.pk)
    assert (fresh.key, code_for(fresh)) == (hex_secret, code_for(device))


def test_the_admin_lists_authenticators_without_their_secret(world) -> None:
    root = get_user_model().objects.create_superuser(username="root", password="pw-root")
    mine, _ = enrolled(root)
    theirs, _ = enrolled(world.chair)
    client = Client()
    client.post("/admin/login/", {"username": "root", "password": "pw-root"})
    assert client.post("/accounts/2fa/", {"code": code_for(mine)}).status_code == 302
    listing = client.get("/admin/accounts/authenticator/")
    detail = client.get(f"/admin/accounts/authenticator/{theirs.pk}/change/")
    assert (listing.status_code, detail.status_code) == (200, 200)
    for page in (listing.content.decode(), detail.content.decode()):
        for device in (mine, theirs):
            assert (device.key in page, device.secret in page) == (False, False)
    assert 'name="key"' not in detail.content.decode()
    # django-otp's own TOTP admin (secret, QR code) is not there at all.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get(f"/admin/accounts/authenticator/{theirs.pk}/delete/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_clear_secrets_and_the_reverse_opens_them() -> None:
    user = get_user_model().objects.create_user(username="chair", password="x")
    hex_secret = "3132333435363738393031323334353637383930"
    MigrationExecutor(connection).migrate(BEFORE)
    try:
        old = TOTPDevice.objects.create(
            user=user, name="phone", confirmed=True, key=hex_secret, last_t=99, drift=1
        )
        MigrationExecutor(connection).migrate(AFTER)
        assert TOTPDevice.objects.count() == 0
        device = Authenticator.objects.get()
        assert (device.user_id, device.name, device.confirmed, device.key) == (
            user.pk,
            "phone",
            True,
            hex_secret,
        )
        assert (device.last_t, device.drift, device.created_at) == (99, 1, old.created_at)
        raw = raw_key(device.pk)
        assert (raw.startswith(sealer().current_prefix), hex_secret in raw) == (True, False)
        MigrationExecutor(connection).migrate(BEFORE)
        assert Authenticator.objects.count() == 0
        assert list(TOTPDevice.objects.values_list("user_id", "name", "key", "last_t")) == [
            (user.pk, "phone", hex_secret, 99)
        ]
    finally:
        MigrationExecutor(connection).migrate(AFTER)
