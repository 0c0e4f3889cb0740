from __future__ import annotations

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-for-tests-only"  # sanshi.testing.make_user's


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_login(
    username: str, password: str = PASSWORD, ip: str = "10.0.0.1"
) -> tuple[Client, int]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/console/login/", {"username": username, "password": password})
    return client, response.status_code
