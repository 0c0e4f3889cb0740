"""Second factors, as django-otp devices: an authenticator app (TOTP) and one-time backup codes.

Both are django-otp `Device`s, so django-otp's `login()` and `OTPMiddleware` treat them alike:
the session remembers which device verified it and `user.is_verified()` is True.
"""

from __future__ import annotations

import re
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from sanshi.core.crypto import blind_index
from sanshi.core.fields import EncryptedTextField

THROTTLE_FIELDS = ["throttling_failure_timestamp", "throttling_failure_count"]

# Backup codes: 8 characters in two groups of four ("abcd-efgh"), from lower-case letters and
# digits without the look-alikes 0/o, 1/l/i: 31 symbols, about 40 bits a code.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE = re.compile(f"^[{BACKUP_ALPHABET}]{{8}}$")
BACKUP_PURPOSE = "2fa_backup_code"
SEPARATORS = re.compile(r"[\s\-]")


def new_secret() -> str:
    """20 random bytes, hex-encoded (the secret of a new authenticator, as django-otp's)."""
    return str(random_hex(20))


def totp_issuer() -> str:
    """The issuer in the authenticator's otpauth:// URI (SANSHI_OTP_ISSUER; no colon)."""
    return str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")


# django-otp's own fields again, the same columns with labels in both languages (its are English).
def _otp_user() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        verbose_name=_("用户"),
        help_text=_("此设备所属的用户。"),
    )


def _otp_name() -> models.CharField[str, str]:
    return models.CharField(
        max_length=64, verbose_name=_("名称"), help_text=_("便于辨认此设备的名称。")
    )


def _otp_confirmed() -> models.BooleanField[bool, bool]:
    return models.BooleanField(
        default=True, verbose_name=_("已确认"), help_text=_("此设备是否已可使用。")
    )


def _otp_failure_timestamp() -> models.DateTimeField[Any, Any]:
    return models.DateTimeField(
        null=True,
        blank=True,
        default=None,
        verbose_name=_("最近失败时间"),
        help_text=_("最近一次验证失败的时间；上次验证成功则为空。"),
    )


def _otp_failure_count() -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(
        default=0, verbose_name=_("连续失败次数"), help_text=_("连续验证失败的次数。")
    )


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238: 6 digits every 30 s) with its secret sealed.

    The same device as django-otp's TOTPDevice, whose `key` column holds the secret in clear;
    here `key` is an EncryptedTextField (AES-GCM, see sanshi.core.crypto), so the database
    alone does not give the secret away and `sanshi rotate-keys` re-seals it with the rest.
    """

    # The types are written out: django-otp has no type hints, so mypy cannot infer them here.
    user = _otp_user()
    name = _otp_name()
    confirmed = _otp_confirmed()
    throttling_failure_timestamp = _otp_failure_timestamp()
    throttling_failure_count = _otp_failure_count()
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(
        null=True,
        blank=True,
        auto_now_add=True,
        verbose_name=_("创建时间"),
        help_text=_("此设备加入系统的时间。"),
    )
    last_used_at: models.DateTimeField[Any, Any] = models.DateTimeField(
        null=True,
        blank=True,
        verbose_name=_("最后使用时间"),
        help_text=_("此设备最近一次使用的时间。"),
    )
    key = EncryptedTextField(default=new_secret, verbose_name=_("密钥"))  # hex, sealed at rest
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        default=30, verbose_name=_("时间步长（秒）")
    )
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(
        default=0, verbose_name=_("起始时间")
    )
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        default=6, verbose_name=_("位数")
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        default=1, verbose_name=_("容差（步）")
    )
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        default=0, verbose_name=_("时钟偏差")
    )
    # The time step of the last code accepted: a code must be newer (no replay).
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(
        default=-1, verbose_name=_("最后时间步")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "验证器")
        verbose_name_plural = pgettext_lazy("plural", "验证器")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def secret(self) -> str:
        """The secret in base32, as authenticator apps take it when typed in."""
        return b32encode(self.bin_key).decode()

    def totp(self) -> TOTP:
        return TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)

    @property
    def config_url(self) -> str:
        """The otpauth:// URI (Google's Key Uri Format) that the setup page shows as a QR code."""
        username = self.user.get_username()
        issuer = totp_issuer()
        label = f"{issuer}:{username}" if issuer else username
        query = urlencode(
            {"secret": self.secret, "algorithm": "SHA1", "digits": self.digits, "period": self.step}
        )
        if issuer:
            query += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{query}"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """True for a current code not used before; a failure makes the next try wait.

        As django-otp's TOTPDevice: `tolerance` steps either side are accepted, a code at or
        before `last_t` is a replay, and `drift` follows the app's clock. Call it on a row
        locked with select_for_update.
        """
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        totp = self.totp()
        totp.time = time.time()  # one instant for the check and for last_t below
        text = str(token)
        if text.isdigit() and totp.verify(int(text), self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(update_fields=["last_t", "drift", "last_used_at", *THROTTLE_FIELDS])
            return True
        self.throttle_increment(commit=False)
        self.save(update_fields=THROTTLE_FIELDS)
        return False


def normalise_backup_code(text: str) -> str:
    """ "ABCD efgh" and "abcd-efgh" are the same code: lower case, no spaces or dashes."""
    return SEPARATORS.sub("", str(text)).lower()


def backup_code_digest(text: str) -> str:
    """The keyed hash stored for a backup code ("" for text that cannot be a code)."""
    code = normalise_backup_code(text)
    return blind_index(code, BACKUP_PURPOSE) if BACKUP_CODE.match(code) else ""


def new_backup_codes(count: int) -> list[str]:
    """`count` different random codes, written "abcd-efgh"."""
    codes: set[str] = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(8))
        codes.add(f"{raw[:4]}-{raw[4:]}")
    return sorted(codes)


class BackupCodeSet(ThrottlingMixin, Device):
    """A user's one-time backup codes, as one django-otp device (at most one per user).

    A code verifies the session like an authenticator code and is then spent. Only keyed
    hashes of the codes are stored (BackupCode.digest). Wrong codes slow down the next try
    as for the authenticator (OTP_TOTP_THROTTLE_FACTOR).
    """

    # Device's own user field, without an index of its own: the unique constraint is one.
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False, verbose_name=_("用户")
    )

    name = _otp_name()
    confirmed = _otp_confirmed()
    throttling_failure_timestamp = _otp_failure_timestamp()
    throttling_failure_count = _otp_failure_count()

    class Meta:
        verbose_name = pgettext_lazy("model", "备用码组")
        verbose_name_plural = pgettext_lazy("plural", "备用码组")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="accounts_one_backup_code_set_per_user")
        ]

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """Spend the code if it is one of this set's unused codes.

        The spend is a conditional UPDATE (`used_at IS NULL`): of two requests with the same
        code, one wins even without the row lock the callers also take.
        """
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        digest = backup_code_digest(token)
        spent = bool(digest) and (
            BackupCode.objects.filter(code_set=self, digest=digest, used_at=None).update(
                used_at=timezone.now()
            )
            == 1
        )
        if spent:
            self.throttle_reset(commit=False)
        else:
            self.throttle_increment(commit=False)
        self.save(update_fields=THROTTLE_FIELDS)
        return spent


class BackupCode(models.Model):
    """One backup code of a set: its keyed hash (never the code), and when it was used."""

    # No index of its own: the unique constraint below starts with code_set.
    code_set = models.ForeignKey(
        BackupCodeSet,
        on_delete=models.CASCADE,
        related_name="codes",
        db_index=False,
        verbose_name=_("备用码组"),
    )
    # blind_index(code, BACKUP_PURPOSE)
    digest = models.CharField(max_length=64, verbose_name=_("摘要值"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("使用时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "备用码")
        verbose_name_plural = pgettext_lazy("plural", "备用码")
        constraints = [
            models.UniqueConstraint(
                fields=["code_set", "digest"], name="accounts_backup_code_unique_in_set"
            )
        ]

    def __str__(self) -> str:
        return f"backup code {self.pk} ({'used' if self.used_at else 'unused'})"
