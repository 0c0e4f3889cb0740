"""Open311 says what is wrong with a personal field instead of cutting or altering it."""

from __future__ import annotations

import pytest
from django.test import Client

from sanshi.concerns.models import Concern
from sanshi.intake.tests.test_open311_write import errors, good, key, post

__all__ = ["key"]  # the fixture


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1" * 1000, "phone is limited to 32 characters"),
        (
            "phone",
            "call me maybe",
            "phone must be a phone number: 3-20 digits, with + ( ) - or spaces",
        ),
        (
            "phone",
            "１３８００００００００",
            "phone must be a phone number: 3-20 digits, with + ( ) - or spaces",
        ),
        ("first_name", "春" * 33, "first_name is limited to 32 characters"),
        ("last_name", "x" * 40, "last_name is limited to 32 characters"),
        ("email", "not-an-address", "email must be an address such as name@example.org"),
        ("email", "a@" + "b" * 300 + ".cn", "email is limited to 254 characters"),
        ("address_string", "路" * 301, "address_string is limited to 300 characters"),
    ],
)
def test_a_malformed_personal_field_is_refused_with_its_name(
    client: Client, key: str, field: str, value: str, message: str
) -> None:
    response = post(client, "json", **good(key, **{field: value}))
    assert response.status_code == 400
    assert errors(response) == [{"code": 400, "description": message}]
    assert Concern.objects.count() == 0


def test_names_that_fit_apart_but_not_together_are_refused(client: Client, key: str) -> None:
    response = post(client, "json", **good(key, first_name="a" * 32, last_name="b" * 32))
    assert errors(response) == [
        {
            "code": 400,
            "description": "first_name and last_name together are limited to 64 characters",
        }
    ]


def test_a_well_formed_phone_is_stored_as_sent(client: Client, key: str) -> None:
    assert post(client, "json", **good(key, phone="+86 (0779) 123-4567")).status_code == 201
    assert Concern.objects.get().reporter_phone == "+86 (0779) 123-4567"
