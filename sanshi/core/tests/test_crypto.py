from __future__ import annotations

import base64
import os

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from sanshi.concerns.models import Concern
from sanshi.core.crypto import DecryptionError, mask_name, mask_phone, phone_index, sealer
from sanshi.testing import World


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def key_ring(settings):
    """Run a test with a known key ring, restoring the cached sealer after."""

    def use(*kids: str, cipher: str = "aes-256-gcm") -> None:
        settings.SANSHI_ENCRYPTION_KEYS = [
            (kid, keys.setdefault(kid, os.urandom(32))) for kid in kids
        ]
        settings.SANSHI_CIPHER = cipher
        sealer.cache_clear()

    keys: dict[str, bytes] = {}
    yield use
    sealer.cache_clear()


def test_personal_fields_are_sealed_in_the_database(world: World) -> None:
    concern = world.concern(
        text="我叫王秀英，住在北部湾社区8栋",
        reporter_name="王秀英",
        reporter_phone="13812345678",
        address="海城区北部湾东路8号",
    )
    for column, clear in [
        ("text", "王秀英"),
        ("reporter_name", "王秀英"),
        ("reporter_phone", "13812345678"),
        ("address", "北部湾东路"),
    ]:
        raw = _raw("concerns_concern", column, concern.pk)
        assert raw.startswith("A:")
        assert clear not in raw
    fresh = Concern.objects.get(pk=concern.pk)
    assert (fresh.text, fresh.reporter_name, fresh.reporter_phone) == (
        "我叫王秀英，住在北部湾社区8栋",
        "王秀英",
        "13812345678",
    )
    # the search index holds keyed hashes of 我叫 住在 在北 北部 部湾 湾社 社区 (the name left out)
    assert len(fresh.search_text.split()) == 7
    assert all(len(term) == 16 for term in fresh.search_text.split())


def test_a_protected_concern_keeps_no_clear_search_text(world: World) -> None:
    concern = world.concern(text="他拿刀威胁我", subcategory="safety.dv_now")
    assert (concern.protected, concern.search_text) == (True, "")


def test_phone_search_goes_through_the_blind_index(world: World) -> None:
    concern = world.concern(reporter_phone="138-1234-5678")
    assert list(Concern.objects.filter(reporter_phone_index=phone_index("+86 13812345678"))) == [
        concern
    ]
    assert len(concern.reporter_phone_index) == 64
    with pytest.raises(FieldError):
        list(Concern.objects.filter(reporter_phone="13812345678"))
    with pytest.raises(FieldError):
        list(Concern.objects.filter(text__icontains="孩子"))


def test_a_value_moved_to_another_column_does_not_open(world: World) -> None:
    concern = world.concern(reporter_name="李女士")
    sealed_name = _raw("concerns_concern", "reporter_name", concern.pk)
    with pytest.raises(DecryptionError):
        sealer().open(sealed_name, "concerns.concern.address")
    tampered = sealed_name[:-4] + ("AAAA" if not sealed_name.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        sealer().open(tampered, "concerns.concern.reporter_name")


def test_masks() -> None:
    assert (mask_phone("13812341234"), mask_phone("+86 138 1234 1234"), mask_name("王秀英")) == (
        "138****1234",
        "138****1234",
        "王**",
    )


@pytest.mark.parametrize("cipher", ["aes-256-gcm", "sm4-gcm"])
def test_both_ciphers_round_trip(key_ring, cipher: str) -> None:
    key_ring("k1", cipher=cipher)
    sealed = sealer().seal("家暴求助", "t.c")
    assert sealed.startswith({"aes-256-gcm": "A:k1:", "sm4-gcm": "S:k1:"}[cipher])
    assert sealer().open(sealed, "t.c") == "家暴求助"


def test_rotate_keys_reseals_everything_and_resumes(world: World, key_ring, capsys) -> None:
    key_ring("k1")
    concerns = [
        world.concern(reporter_name=f"居民{i}", reporter_phone=f"1390000000{i}") for i in range(5)
    ]
    key_ring("k2", "k1")  # k2 is new and current; k1 still opens the old values
    assert Concern.objects.get(pk=concerns[0].pk).reporter_name == "居民0"
    call_command("rotate_keys", "--batch", "2")
    out = capsys.readouterr().out
    assert "rotate-keys: sealing under A:k2" in out
    for c in concerns:
        assert _raw("concerns_concern", "reporter_name", c.pk).startswith("A:k2:")
        assert _raw("concerns_concern", "text", c.pk).startswith("A:k2:")
    key_ring("k2")  # k1 retired: everything still opens
    assert [Concern.objects.get(pk=c.pk).reporter_name for c in concerns] == [
        f"居民{i}" for i in range(5)
    ]
    call_command("rotate_keys")
    assert capsys.readouterr().out.strip().endswith("rotate-keys: 0 rows re-sealed")


def test_a_malformed_key_ring_is_refused() -> None:
    from sanshi.env import ConfigError, parse_key_ring

    good = base64.b64encode(os.urandom(32)).decode()
    assert parse_key_ring("X", f"k2:{good},k1:{good}")[0][0] == "k2"
    for bad, message in [
        ("k1", "expected kid:base64key"),
        ("k1:!!!", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "must be 32 bytes"),
        (f"k1:{good},k1:{good}", "appears twice"),
        (" , ", "no keys given"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_key_ring("SANSHI_ENCRYPTION_KEYS", bad)


def test_phones_inside_free_text_are_masked() -> None:
    from sanshi.core.crypto import mask_phones_in_text

    text = "居民请回电13877665544，或 +86 138-1234-5678；订单号 2026113012345678"
    assert (
        mask_phones_in_text(text)
        == "居民请回电138****5544，或 138****5678；订单号 2026113012345678"
    )


def test_json_already_written_is_sealed_as_it_is_and_reads_back_as_the_value(
    world: World,
) -> None:
    from sanshi.core.fields import SerializedJSON

    field = Concern._meta.get_field("triage")
    written = SerializedJSON('{"b": [1, "二"], "a": null}')
    sealed = field.get_prep_value(written)
    assert sealer().open(sealed, field.aad()) == '{"b": [1, "二"], "a": null}'
    assert field.from_db_value(sealed, None, connection) == {"a": None, "b": [1, "二"]}
    # A plain value is written with sorted keys, as before.
    assert sealer().open(field.get_prep_value({"b": 1, "a": 2}), field.aad()) == '{"a": 2, "b": 1}'
