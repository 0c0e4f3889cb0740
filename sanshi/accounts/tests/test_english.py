"""The second-factor pages in English for a user who chose it, in Chinese by default; the
accounts English catalog is complete, keeps its placeholders and is compiled."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from sanshi.accounts.models import Authenticator, BackupCode
from sanshi.accounts.tests.helpers import enrolled, password_login, wrong_code_for
from sanshi.testing import World

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"
VERIFY = "/accounts/2fa/?next=%2Fconsole%2F"
BACKUP = "/accounts/2fa/backup/"
SETUP = "/accounts/2fa/setup/?next=%2Fconsole%2F"
PAGE = "/accounts/2fa/backup-codes/?next=%2Fconsole%2F"
REPLACE = "/accounts/2fa/replace/?next=%2Fconsole%2F"
# A new string in the app needs its English in the catalog, and this count raised.
MESSAGES = 68  # 40 on the pages, 28 names of models and fields in the admin


def in_english(client: Client) -> Client:
    """Choose English with the language switch of the console header, as a user would."""
    switched = client.post("/console/language/", {"language": "en", "next": "/console/"})
    assert (switched.status_code, switched["Location"]) == (302, "/console/")
    return client


def signed_in_with_a_backup_code(username: str, code: str) -> Client:
    client, _ = password_login(username)
    ok = client.post(BACKUP, {"backup_code": code, "next": "/console/"})
    assert (ok.status_code, ok["Location"]) == (302, "/console/")
    return client


def use_up(user: User, *, keep: int) -> None:
    """Mark all but `keep` of the user's unused backup codes as used."""
    unused = BackupCode.objects.filter(code_set__user=user, used_at=None).order_by("pk")
    spent = list(unused.values_list("pk", flat=True)[keep:])
    BackupCode.objects.filter(pk__in=spent).update(used_at=timezone.now())


@pytest.mark.django_db
def test_code_page_in_english_for_a_user_who_chose_english(world: World) -> None:
    enrolled(world.chair)
    client, _ = password_login("chair")
    page = in_english(client).get(VERIFY)
    body = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="en">' in body
    assert "<title>One-time code · Sanshi</title>" in body
    assert "<h1>Enter your one-time code</h1>" in body
    assert (
        "<p>Open the authenticator app on your phone (such as Google Authenticator, Microsoft "
        "Authenticator or FreeOTP) and enter the 6-digit code it shows for “sanshi”.</p>"
    ) in body
    assert '<label for="id_code">One-time code</label>' in body
    assert '<button class="primary" type="submit">Confirm</button>' in body
    assert "<summary>Phone not at hand? Use a backup code instead</summary>" in body
    assert '<label for="id_backup_code">Backup code</label>' in body
    assert (
        '<p class="muted small" id="backup-code-help">One of the 10 backup codes you received '
        "when you set up the authenticator, like abcd-efgh. Each backup code works only once.</p>"
    ) in body
    assert '<button type="submit">Verify with a backup code</button>' in body
    assert '<button type="submit">Sign out</button>' in body


@pytest.mark.django_db
def test_code_page_in_chinese_by_default(world: World) -> None:
    enrolled(world.chair)
    client, _ = password_login("chair")
    page = client.get(VERIFY)
    body = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "<h1>输入动态验证码</h1>" in body
    assert (
        "<p>打开手机上的验证器应用（如 Google Authenticator、Microsoft Authenticator、FreeOTP），"
        "输入“sanshi”显示的 6 位数字。</p>"
    ) in body
    assert '<label for="id_code">动态验证码</label>' in body
    assert "<summary>手机不在身边？改用备用码</summary>" in body
    assert '<button type="submit">用备用码验证</button>' in body
    assert "Enter your one-time code" not in body


@pytest.mark.django_db
def test_code_page_errors_in_english(world: World) -> None:
    device, _ = enrolled(world.chair)
    client = in_english(password_login("chair")[0])
    short = client.post("/accounts/2fa/", {"code": "12345", "next": "/console/"})
    assert short.status_code == 400
    assert '<div class="error-box" role="alert">Enter the 6-digit code.</div>' in (
        short.content.decode()
    )
    wrong = client.post("/accounts/2fa/", {"code": wrong_code_for(device), "next": "/console/"})
    assert wrong.status_code == 400
    assert (
        "That code is wrong or already used, or there were too many tries. Wait a moment and "
        "try again with the next code."
    ) in wrong.content.decode()
    malformed = client.post(BACKUP, {"backup_code": "abc-0l1", "next": "/console/"})
    assert malformed.status_code == 400
    assert (
        '<div class="error-box" role="alert" id="backup-code-error">A backup code is 8 letters '
        "or digits, like abcd-efgh.</div>"
    ) in malformed.content.decode()
    assert client.get("/console/").status_code == 302  # still not signed in


@pytest.mark.django_db
def test_backup_codes_page_in_english(world: World) -> None:
    _, codes = enrolled(world.chair)
    client = in_english(signed_in_with_a_backup_code("chair", codes[0]))
    page = client.get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<title>Backup codes · Sanshi</title>" in body
    assert "<h1>Backup codes</h1>" in body
    assert '<p id="backup-codes-left">You have 9 unused backup codes.</p>' in body
    assert (
        "<p>Generating a new set of backup codes makes all your current ones stop working.</p>"
    ) in body
    assert '<button class="primary" type="submit">Generate new backup codes</button>' in body
    assert '<p><a href="/console/">Back</a></p>' in body

    use_up(world.chair, keep=1)
    one = client.get(PAGE).content.decode()
    assert '<p id="backup-codes-left">You have 1 unused backup code.</p>' in one

    made = client.post(PAGE, {"next": "/console/"})
    shown = made.content.decode()
    assert made.status_code == 200
    assert "<h1>Your backup codes</h1>" in shown
    assert '<ol class="backup-codes" aria-label="Backup codes">' in shown
    assert (
        "<p><strong>The backup codes are shown only this once: write them down or print them "
        "now and keep them somewhere safe (not with your password, and not only on this "
        "phone).</strong></p>"
    ) in shown
    assert (
        '<p>Once they are used up or lost, you can generate a new set on the <a href="'
        '/accounts/2fa/backup-codes/">backup codes page</a>; the old ones then stop working.</p>'
    ) in shown
    assert '<a class="button primary" href="/console/">I have saved them, continue</a>' in shown


@pytest.mark.django_db
def test_backup_codes_page_in_chinese_by_default(world: World) -> None:
    _, codes = enrolled(world.chair)
    client = signed_in_with_a_backup_code("chair", codes[0])
    body = client.get(PAGE).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "<h1>备用码</h1>" in body
    assert '<p id="backup-codes-left">您还有 9 个未用的备用码。</p>' in body
    assert '<button class="primary" type="submit">生成新的备用码</button>' in body
    shown = client.post(PAGE, {"next": "/console/"}).content.decode()
    assert "<h1>您的备用码</h1>" in shown
    assert '<a class="button primary" href="/console/">我已保存好，继续</a>' in shown


@pytest.mark.django_db
def test_backup_codes_page_in_english_with_none_left(world: World) -> None:
    _, codes = enrolled(world.chair)
    client = in_english(signed_in_with_a_backup_code("chair", codes[0]))
    use_up(world.chair, keep=0)
    body = client.get(PAGE).content.decode()
    assert (
        '<p id="backup-codes-left">You have no backup codes left to use. If your phone is lost '
        "or not at hand, a backup code is your only way to sign in (otherwise an administrator "
        "has to reset your two-step verification).</p>"
    ) in body
    assert '<p><a href="/console/">Not now</a></p>' in body


@pytest.mark.django_db
def test_setup_page_in_english(world: World) -> None:
    client = in_english(password_login("chair")[0])
    page = client.get(SETUP)
    body = page.content.decode()
    secret = Authenticator.objects.get(user=world.chair, confirmed=False).secret
    assert page.status_code == 200
    assert "<title>Set up an authenticator · Sanshi</title>" in body
    assert "<h1>Set up two-step verification</h1>" in body
    assert (
        "<p>Your account needs two-step verification. Scan the QR code below with the "
        "authenticator app on your phone, or type in the secret key by hand, then enter the "
        "6-digit code it shows.</p>"
    ) in body
    assert f'<p>Secret key: <code id="totp-secret">{secret}</code></p>' in body
    assert '<label for="id_code">One-time code</label>' in body
    device = Authenticator.objects.get(user=world.chair)
    wrong = client.post(SETUP, {"code": wrong_code_for(device), "next": "/console/"})
    assert wrong.status_code == 400
    assert (
        '<div class="error-box" role="alert">That code is wrong. Scan the QR code again to add '
        "the account anew, then try again.</div>"
    ) in wrong.content.decode()
    assert Authenticator.objects.get(pk=device.pk).confirmed is False


@pytest.mark.django_db
def test_setup_page_in_chinese_by_default(world: World) -> None:
    client, _ = password_login("chair")
    body = client.get(SETUP).content.decode()
    secret = Authenticator.objects.get(user=world.chair, confirmed=False).secret
    assert '<html lang="zh-hans">' in body
    assert "<title>设置验证器 · 三事</title>" in body
    assert "<h1>设置两步验证</h1>" in body
    assert f'<p>密钥: <code id="totp-secret">{secret}</code></p>' in body
    assert "Set up two-step verification" not in body


@pytest.mark.django_db
def test_replace_page_in_english(world: World) -> None:
    _, codes = enrolled(world.chair)
    client = in_english(signed_in_with_a_backup_code("chair", codes[0]))
    body = client.get(REPLACE).content.decode()
    assert "<h1>Replace the authenticator</h1>" in body
    assert (
        "<p>Scan the QR code below with the authenticator app on your new phone, or type in the "
        "secret key by hand, then enter the 6-digit code it shows. Until you confirm, your old "
        "authenticator keeps working; once you confirm, it stops working and your backup codes "
        "are replaced by a new set.</p>"
    ) in body


@pytest.mark.django_db
def test_locked_out_page_in_english_from_the_browser_language(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        password_login("member", password="wrong", ip="10.9.9.9")
    locked = Client(REMOTE_ADDR="10.9.9.9").post(
        "/console/login/",
        {"username": "member", "password": "pw-for-tests-only"},
        headers={"accept-language": "en"},
    )
    body = locked.content.decode()
    assert locked.status_code == 429
    assert "<h1>Too many failed sign-in attempts</h1>" in body
    assert (
        "<p>After 5 failed sign-in attempts in a row, this account is temporarily locked on "
        "this device.</p>"
    ) in body
    assert "<p>Please try again later (locked for 900 seconds).</p>" in body


def catalog() -> list[tuple[str, list[str], str]]:
    """(msgid, msgstrs, flags) of every message but the header."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        flags = " ".join(re.findall(r"^#,(.*)$", block, re.M))
        parts = re.findall(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', block, re.M)
        text = {key: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', value)) for key, value in parts}
        if text.get("msgid"):
            strs = [value for key, value in text.items() if key.startswith("msgstr")]
            entries.append((text["msgid"], strs, flags))
    return entries


def test_every_accounts_string_has_an_english_translation() -> None:
    entries = catalog()
    assert len(entries) == MESSAGES
    assert [msgid for msgid, strs, _ in entries if "" in strs or not strs] == []
    assert [msgid for msgid, _, flags in entries if "fuzzy" in flags] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")  # nor the header


def test_translations_keep_their_placeholders() -> None:
    placeholder = re.compile(r"%\(\w+\)s|<[^>]+>")
    changed = [
        msgid
        for msgid, strs, _ in catalog()
        for msgstr in strs
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))
    ]
    assert changed == []


def test_the_committed_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: cannot recompile django.po to compare")
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        [msgfmt, "--check", "-o", str(fresh), str(PO)], check=True, capture_output=True
    )
    assert fresh.read_bytes() == PO.with_suffix(".mo").read_bytes()


@pytest.mark.django_db
def test_code_page_names_the_account_as_the_app_lists_it(world: World, settings) -> None:
    settings.OTP_TOTP_ISSUER = "北海妇联"
    device, _ = enrolled(world.chair)
    assert "issuer=%E5%8C%97%E6%B5%B7%E5%A6%87%E8%81%94" in device.config_url
    client, _ = password_login("chair")
    body = client.get(VERIFY).content.decode()
    assert "输入“北海妇联”显示的 6 位数字。</p>" in body
    settings.OTP_TOTP_ISSUER = ""  # no issuer: the app lists the account by its name
    assert "输入“chair”显示的 6 位数字。</p>" in client.get(VERIFY).content.decode()


def test_a_post_before_the_code_is_refused_in_english_for_a_user_who_chose_it(
    world: World,
) -> None:
    Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    client, _ = password_login("chair")
    post = in_english(client).post("/console/dispatch/bulk/", {"ids": ["1"]})
    assert (post.status_code, post.content.decode()) == (
        403,
        "Enter your authenticator code first.",
    )
