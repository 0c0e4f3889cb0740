"""Move django-otp's TOTP devices (secret in clear) to accounts.Authenticator (secret sealed).

Forwards: each otp_totp row becomes an Authenticator with the same user, name, state and
secret, the secret sealed by the EncryptedTextField; the clear rows are then deleted.
Backwards: the same in reverse, the secret opened again (it needs the encryption keys).
Sessions verified with an old device ask for a code once more; nothing else changes for users.
"""

from django.db import migrations

COPIED = [
    "user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count",
    "key", "step", "t0", "digits", "tolerance", "drift", "last_t", "last_used_at",
]


def _move(source, target) -> None:
    for old in source.objects.order_by("pk"):
        new = target.objects.create(**{f: getattr(old, f) for f in COPIED})
        # created_at is auto_now_add: set it after the insert to keep the original moment.
        target.objects.filter(pk=new.pk).update(created_at=old.created_at)
        old.delete()


def seal(apps, schema_editor) -> None:
    _move(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("accounts", "Authenticator"))


def unseal(apps, schema_editor) -> None:
    _move(apps.get_model("accounts", "Authenticator"), apps.get_model("otp_totp", "TOTPDevice"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
