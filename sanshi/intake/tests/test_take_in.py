"""take_in_concern: one action for every way in, with the consent rule in one place."""

from __future__ import annotations

import dataclasses

import pytest

from sanshi.concerns.models import Channel, Concern, LegalBasis, Urgency
from sanshi.core.errors import InvalidInput
from sanshi.intake.take_in import ConcernIntake, legal_basis_for, take_in_concern
from sanshi.testing import World

CHILD = "孩子放学后没人照看，想问问儿童之家"
DANGER = "丈夫喝醉了拿刀威胁我和孩子，我现在躲在邻居家"


def _intake(world: World, **given: object) -> ConcernIntake:
    values: dict[str, object] = {"text": CHILD, "channel": Channel.WEB, "org": world.county}
    values.update(given)
    return ConcernIntake(**values)  # type: ignore[arg-type]


def test_the_intake_is_frozen(world: World) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _intake(world).text = "changed"  # type: ignore[misc]


def test_under_14_needs_guardian_consent_unless_another_legal_basis(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        take_in_concern(_intake(world, minor_under_14=True), actor=None)
    assert refused.value.fields == {"guardian_consent": "required"}
    ok = take_in_concern(_intake(world, minor_under_14=True, guardian_consent=True), actor=None)
    duty = take_in_concern(
        _intake(world, minor_under_14=True, legal_basis=LegalBasis.STATUTORY_DUTY), actor=None
    )
    assert (ok.concern.protected, duty.concern.protected, Concern.objects.count()) == (
        True,
        True,
        2,
    )


def test_without_consent_only_danger_is_a_basis(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        take_in_concern(_intake(world, legal_basis=None, consent=False), actor=None)
    assert refused.value.fields == {"consent": "required"}
    assert Concern.objects.count() == 0
    taken = take_in_concern(
        _intake(world, text=DANGER, legal_basis=None, consent=False), actor=None
    )
    assert (taken.critical, taken.concern.legal_basis) == (True, LegalBasis.EMERGENCY)
    assert taken.concern.urgency == Urgency.CRITICAL


def test_a_minor_without_any_consent_names_both_missing(world: World) -> None:
    intake = _intake(world, legal_basis=None, consent=False, minor_under_14=True)
    with pytest.raises(InvalidInput) as refused:
        legal_basis_for(intake, critical=False)
    assert refused.value.fields == {"consent": "required", "guardian_consent": "required"}
    assert legal_basis_for(intake, critical=True) == (LegalBasis.EMERGENCY, False)


def test_a_third_party_reporting_harm_to_a_child_needs_no_guardian(world: World) -> None:
    for legal_basis in (None, LegalBasis.CONSENT):
        intake = _intake(
            world, legal_basis=legal_basis, minor_under_14=True, reporter_relation="third_party"
        )
        assert legal_basis_for(intake, critical=False) == (LegalBasis.STATUTORY_DUTY, False)
    guardian = _intake(world, minor_under_14=True, reporter_relation="guardian")
    assert legal_basis_for(guardian, critical=False) == (LegalBasis.CONSENT, True)
