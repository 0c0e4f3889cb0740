from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client

import sanshi.settings
from sanshi.env import ConfigError

pytestmark = pytest.mark.django_db

SETTINGS = Path(sanshi.settings.__file__)
REAL_HASHERS = sanshi.settings.PASSWORD_HASHERS


def settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path, **env: str) -> dict[str, Any]:
    """Evaluate sanshi/settings.py afresh with these environment variables."""
    monkeypatch.setenv("SANSHI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS), run_name="sanshi_settings_probe")


def csp_of(response) -> dict[str, str]:
    parts = [p.strip() for p in response["Content-Security-Policy"].split(";")]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in parts if p}


def test_pages_carry_a_strict_content_security_policy() -> None:
    policy = csp_of(Client().get("/console/login/"))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def test_a_page_that_uses_the_nonce_gets_it_in_the_policy(rf) -> None:
    from django.http import HttpResponse

    from sanshi.core.middleware import CSPMiddleware

    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse(f"<style nonce='{r.csp_nonce}'></style>"))
    middleware.process_request(request)
    response = middleware.process_response(
        request, HttpResponse(f"<style nonce='{request.csp_nonce}'>")
    )
    assert csp_of(response)["style-src"] == f"'self' 'nonce-{request.csp_nonce}'"


def test_hsts_only_over_https(settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in Client().get("/console/login/")
    secure = Client().get("/console/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def test_security_settings_from_the_environment(monkeypatch, tmp_path) -> None:
    s = settings_with(
        monkeypatch,
        tmp_path,
        SANSHI_HSTS_SECONDS="63072000",
        SANSHI_SESSION_IDLE_MINUTES="15",
        SANSHI_AUDIT_RETENTION_DAYS="200",
        SANSHI_LOGIN_LOCKOUT_BY="username",
        SANSHI_LOGIN_FAILURE_LIMIT="3",
        SANSHI_LOGIN_LOCKOUT_MINUTES="30",
        SANSHI_CSP_REPORT_ONLY="true",
        SANSHI_BEHIND_HTTPS_PROXY="true",
    )
    assert s["SECURE_HSTS_SECONDS"] == 63072000
    assert s["SANSHI_SESSION_IDLE_MINUTES"] == 15
    assert s["SANSHI_AUDIT_RETENTION_DAYS"] == 200
    assert (s["AXES_LOCKOUT_PARAMETERS"], s["AXES_FAILURE_LIMIT"], s["AXES_COOLOFF_TIME"]) == (
        ["username"],
        3,
        0.5,
    )
    assert "CONTENT_SECURITY_POLICY" not in s
    assert s["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_defaults(monkeypatch, tmp_path) -> None:
    for name in (
        "SANSHI_HSTS_SECONDS",
        "SANSHI_SESSION_IDLE_MINUTES",
        "SANSHI_AUDIT_RETENTION_DAYS",
        "SANSHI_2FA_REQUIRED",
        "SANSHI_CSP_REPORT_ONLY",
        "SANSHI_LOGIN_LOCKOUT_BY",
    ):
        monkeypatch.delenv(name, raising=False)
    s = settings_with(monkeypatch, tmp_path)
    assert s["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert (s["SECURE_HSTS_SECONDS"], s["SANSHI_SESSION_IDLE_MINUTES"]) == (0, 30)
    assert (s["SANSHI_AUDIT_RETENTION_DAYS"], s["SANSHI_2FA_REQUIRED"]) == (365, True)
    assert s["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert (s["AXES_FAILURE_LIMIT"], s["AXES_COOLOFF_TIME"]) == (5, 0.25)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "SANSHI_AUDIT_RETENTION_DAYS",
            "100",
            "SANSHI_AUDIT_RETENTION_DAYS: must be at least 183, got 100",
        ),
        ("SANSHI_HSTS_SECONDS", "-1", "SANSHI_HSTS_SECONDS: must be at least 0, got -1"),
        (
            "SANSHI_SESSION_IDLE_MINUTES",
            "0",
            "SANSHI_SESSION_IDLE_MINUTES: must be at least 1, got 0",
        ),
        (
            "SANSHI_2FA_REQUIRED",
            "maybe",
            "SANSHI_2FA_REQUIRED: expected true or false, got 'maybe'",
        ),
        (
            "SANSHI_LOGIN_LOCKOUT_BY",
            "moon",
            "SANSHI_LOGIN_LOCKOUT_BY: expected one of username_and_ip, username, ip, got 'moon'",
        ),
    ],
)
def test_a_wrong_security_setting_names_itself(monkeypatch, tmp_path, name, value, message) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_with(monkeypatch, tmp_path, **{name: value})
    assert str(caught.value) == message


def test_passwords_are_hashed_with_argon2id(settings) -> None:
    settings.PASSWORD_HASHERS = REAL_HASHERS
    hashed = make_password("correct horse")
    assert hashed.startswith("argon2$argon2id$")
    assert (check_password("correct horse", hashed), check_password("wrong", hashed)) == (
        True,
        False,
    )


def test_an_older_hash_is_upgraded_at_login(world, settings) -> None:
    settings.PASSWORD_HASHERS = REAL_HASHERS
    old = make_password("pw-for-tests-only", hasher="pbkdf2_sha256")
    type(world.member).objects.filter(pk=world.member.pk).update(password=old)
    response = Client().post(
        "/console/login/", {"username": "member", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert identify_hasher(world.member.password).algorithm == "argon2"
