"""Every write of the intake app: member cards, Open311 keys and Open311 submissions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction

from sanshi.audit.actions import record_audit
from sanshi.concerns.models import Channel
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.core.types import User
from sanshi.intake.access import CARD_ROLES, may_manage_cards
from sanshi.intake.models import MemberCard, Open311Key, Open311Submission
from sanshi.intake.selectors import hash_key, open311_keys
from sanshi.intake.take_in import ConcernIntake, take_in_concern
from sanshi.orgs.models import Membership

# Lower-case letters and digits without look-alikes: easy to type from a printed card.
CARD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CARD_CODE_LENGTH = 10  # 31^10, about 49 bits


def _card_code() -> str:
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_CODE_LENGTH))


def _require_card_manager(actor: User | None, membership: Membership) -> None:
    if actor is not None and not may_manage_cards(actor, membership.org):
        raise NotAllowed("only the org's chair (or staff above it) manages its members' cards")


def _audit_card(actor: User | None, action: str, card: MemberCard, **data: Any) -> None:
    record_audit(
        actor,
        action,
        "member_card",
        card.pk,
        {"membership": card.membership_id, "code_prefix": card.code[:3], **data},
    )


@transaction.atomic
def issue_member_card(membership: Membership, *, actor: User | None = None) -> MemberCard:
    """The membership's active card, issued now if it has none (safe to call twice).

    With an actor (the console), she must manage the org's cards; a new card is audited.
    """
    _require_card_manager(actor, membership)
    if membership.role not in CARD_ROLES:
        raise InvalidInput(
            "cards are for committee members, chairs and vice-chairs",
            fields={"membership": membership.role},
        )
    existing = MemberCard.objects.filter(membership=membership, active=True).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                card = MemberCard.objects.create(
                    membership=membership, code=_card_code(), created_at=clock.now()
                )
        except IntegrityError:
            # Either the code collided (retry) or someone issued the card meanwhile.
            again = MemberCard.objects.filter(membership=membership, active=True).first()
            if again is not None:
                return again
        else:
            if actor is not None:
                _audit_card(actor, "card.issued", card)
            return card
    raise InvalidInput("could not allocate a card code; try again")  # pragma: no cover


@transaction.atomic
def revoke_member_card(
    card: MemberCard, *, actor: User | None = None, reason: str = ""
) -> MemberCard:
    """Retire a card (lost, or the member left); its QR code stops working."""
    _require_card_manager(actor, card.membership)
    reason = reason.strip()[:200]
    changed = MemberCard.objects.filter(pk=card.pk, active=True).update(active=False)
    card.refresh_from_db()
    if actor is not None and changed:
        _audit_card(actor, "card.revoked", card, reason=reason)
    return card


@transaction.atomic
def reissue_member_card(membership: Membership, *, actor: User | None, reason: str) -> MemberCard:
    """A new card with a new code (the printed one was lost or seen by the wrong people):
    the old card stops working in the same write."""
    _require_card_manager(actor, membership)
    reason = reason.strip()[:200]
    if not reason:
        raise InvalidInput("say why the card is reissued", fields={"reason": "required"})
    # Lock the membership so two reissues at once make one new card, not two.
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    old = MemberCard.objects.filter(membership=membership, active=True).first()
    if old is None:
        raise Conflict("this member has no card to reissue; issue one first")
    MemberCard.objects.filter(pk=old.pk).update(active=False)
    card = issue_member_card(membership)
    if actor is not None:
        _audit_card(actor, "card.reissued", card, replaces=old.pk, reason=reason)
    return card


@dataclass(frozen=True)
class IssuedKey:
    key: Open311Key
    raw: str  # shown once, never stored


@transaction.atomic
def create_open311_key(name: str) -> IssuedKey:
    """A new key for a client application; the raw key is returned once."""
    name = name.strip()
    if not name:
        raise InvalidInput("a key needs a name", fields={"name": "required"})
    if len(name) > 64:
        raise InvalidInput("at most 64 characters", fields={"name": "too long"})
    raw = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            key = Open311Key.objects.create(
                name=name, key_hash=hash_key(raw), prefix=raw[:8], created_at=clock.now()
            )
    except IntegrityError:
        raise InvalidInput(f"a key named {name!r} exists", fields={"name": "taken"}) from None
    return IssuedKey(key, raw)


@transaction.atomic
def revoke_open311_key(key: Open311Key) -> Open311Key:
    """Stop accepting a key."""
    Open311Key.objects.filter(pk=key.pk).update(active=False)
    key.refresh_from_db()
    open311_keys.forget_on_commit()
    return key


@dataclass(frozen=True)
class Submitted:
    submission: Open311Submission
    critical: bool


def submit_open311_request(intake: ConcernIntake, *, client: Open311Key) -> Submitted:
    """Take in a concern from an Open311 client, with the submission row its token names."""
    intake = replace(intake, channel=Channel.OPEN311, source_client=client.name)
    with transaction.atomic():
        taken = take_in_concern(intake, actor=None)
        submission = Open311Submission.objects.create(
            client=client,
            concern=taken.concern,
            token=secrets.token_hex(16),
            created_at=clock.now(),
        )
    return Submitted(submission, taken.critical)
