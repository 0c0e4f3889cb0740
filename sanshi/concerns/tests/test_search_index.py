"""The text search index holds keyed hashes, leaves personal data out, and still finds."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from sanshi.concerns.models import Concern
from sanshi.concerns.search import index_terms, query_terms, redact, terms
from sanshi.console.tests import helpers as h
from sanshi.testing import World


def test_personal_data_is_left_out_before_hashing() -> None:
    text = (
        "我叫李秀兰，电话138-1234-5678，身份证45050219800101123X，邮箱li@example.cn，张女士也知道"
    )
    left = redact(text, names=["李秀兰"])
    for personal in ("李秀兰", "138", "5678", "4505021980", "li@example", "张"):
        assert personal not in left
    assert {"我叫", "电话", "身份", "份证", "邮箱", "女士", "也知", "知道"} <= terms(left)
    assert not {"秀兰", "李秀", "张女"} & terms(left)


def test_the_index_is_sorted_keyed_hashes_and_no_words(settings: pytest.FixtureRequest) -> None:
    index = index_terms("路灯坏了好几天 street light")
    parts = index.split()
    assert parts == sorted(parts) and all(len(p) == 16 for p in parts)
    assert len(parts) == len(terms("路灯坏了好几天 street light")) == 8
    assert "路灯" not in index and "street" not in index


def test_another_key_gives_other_hashes(settings) -> None:  # type: ignore[no-untyped-def]
    before = query_terms("路灯")
    settings.SANSHI_SEARCH_KEY = b"\x01" * 32
    assert query_terms("路灯") != before


def test_staff_find_a_concern_by_a_word_of_its_text(world: World) -> None:
    lamp = h.received(world, text="小区门口的路灯坏了好几天，晚上很黑", reporter_name="王芳")
    h.received(world, text="想报名家政培训")
    client = h.logged_in(world.dispatcher)
    for query, found in (
        ("路灯", [lamp.pk]),
        ("路灯坏了", [lamp.pk]),
        ("晚上 路灯", [lamp.pk]),
        ("王芳", []),
        ("路", []),
        ("路灯修好", []),
    ):
        page = client.get("/console/search/", {"q": query}).content.decode()
        assert [int(x) for x in re.findall(r'data-concern="(\d+)"', page)] == found, query


def test_a_reporters_phone_still_finds_the_concern_through_its_blind_index(world: World) -> None:
    concern = h.received(world, text="想问问儿童之家几点关门", reporter_phone="13812345678")
    client = h.logged_in(world.dispatcher)
    page = client.get("/console/search/", {"q": "138 1234 5678"}).content.decode()
    assert f'data-concern="{concern.pk}"' in page


def test_reindex_rebuilds_from_the_sealed_text(world: World) -> None:
    concern = h.received(world, text="楼道里的灯坏了")
    Concern.objects.filter(pk=concern.pk).update(search_text="stale")
    call_command("reindex_search", stdout=io.StringIO())
    assert Concern.objects.get(pk=concern.pk).search_text == index_terms("楼道里的灯坏了")
