"""Every write about enterprises and entrepreneurs: one function each, one transaction each,
audited; bad input and refusals write nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from sanshi.audit.actions import record_audit
from sanshi.concerns.models import Channel, Concern, LegalBasis
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.enterprises.access import may_keep
from sanshi.enterprises.models import (
    DOMAIN_KINDS,
    EnterpriseRequest,
    Entrepreneur,
    ListedEnterprise,
    RequestKind,
)
from sanshi.intake.take_in import ConcernIntake, take_in_concern
from sanshi.orgs.models import Org

User = AuthUser | AnonymousUser

CATEGORY = "work"
SUBCATEGORY = "work.enterprise"  # 创业、贷款与女性企业经营
SOURCE = "enterprise-form"
REQUEST_CONSENT_VERSION = "ent-2026-1"  # Concern.consent_version holds 16
DIRECTORY_CONSENT_VERSION = "entrepreneur-2026-1"
MAX_TEXT = 2000


def _user(actor: User | None) -> AuthUser | None:
    return actor if isinstance(actor, AuthUser) else None


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        raise InvalidInput(f"{field}: 1 to {limit} characters", fields={field: "invalid"})
    return value


def _phone(value: str, *, required: bool) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if (required or digits) and not 7 <= len(digits) <= 15:
        raise InvalidInput("a phone number of 7 to 15 digits", fields={"phone": "invalid"})
    return digits


def _check_district(district: Org) -> None:
    if district.level != Org.Level.COUNTY:
        raise InvalidInput("enterprises are listed by district", fields={"district": "level"})


# ---------------------------------------------------------------- listed enterprises


def list_enterprise(
    district: Org, *, actor: User, name: str, sector: str = "", women_led: bool = False
) -> ListedEnterprise:
    """Add an enterprise to the district's list (coverage counts against this list)."""
    if not may_keep(actor, district):
        raise NotAllowed("you may not keep this district's list")
    _check_district(district)
    listed = ListedEnterprise(
        district=district,
        name=_text(name, "name", 100),
        sector=_text(sector, "sector", 50, required=False),
        women_led=women_led,
        listed_by=_user(actor),
        created_at=clock.now(),
    )
    try:
        with transaction.atomic():
            listed.save(force_insert=True)
            record_audit(
                actor,
                "enterprises.listed",
                "listed_enterprise",
                listed.pk,
                {"district": district.pk},
            )
    except IntegrityError:
        raise Conflict("the district already lists an enterprise of that name") from None
    return listed


def link_federation(listed: ListedEnterprise, federation: Org, *, actor: User) -> ListedEnterprise:
    """Record that a listed enterprise has founded its federation (a new-domain org)."""
    if not may_keep(actor, listed.district):
        raise NotAllowed("you may not keep this district's list")
    if federation.level != Org.Level.DOMAIN or federation.kind not in DOMAIN_KINDS:
        raise InvalidInput(
            "a new-domain federation of an enterprise, park or association",
            fields={"federation": "kind"},
        )
    try:
        with transaction.atomic():
            changed = ListedEnterprise.objects.filter(pk=listed.pk, federation__isnull=True).update(
                federation=federation
            )
            if changed != 1:
                raise Conflict("the enterprise already has a federation")
            record_audit(
                actor,
                "enterprises.federation_linked",
                "listed_enterprise",
                listed.pk,
                {"federation": federation.pk},
            )
    except IntegrityError:
        raise Conflict("that federation belongs to another enterprise") from None
    listed.federation = federation
    return listed


# ---------------------------------------------------------------- the directory


@dataclass(frozen=True)
class EntrepreneurEntry:
    name: str
    enterprise: str
    sector: str = ""
    offers: str = ""
    phone: str = ""
    show_phone: bool = False


def add_entrepreneur(
    district: Org, entry: EntrepreneurEntry, *, actor: User, consent: bool
) -> Entrepreneur:
    """List a woman entrepreneur in the public directory, with her consent (shown: name,
    enterprise, sector, what she offers; her phone only if she chose to show it)."""
    if not may_keep(actor, district):
        raise NotAllowed("you may not keep this district's directory")
    _check_district(district)
    if not consent:
        raise InvalidInput("she must agree to be listed", fields={"consent": "required"})
    phone = _phone(entry.phone, required=entry.show_phone)
    person = Entrepreneur(
        district=district,
        name=_text(entry.name, "name", 32),
        enterprise=_text(entry.enterprise, "enterprise", 100),
        sector=_text(entry.sector, "sector", 50, required=False),
        offers=_text(entry.offers, "offers", 200, required=False),
        phone=phone,
        show_phone=entry.show_phone and bool(phone),
        consent_version=DIRECTORY_CONSENT_VERSION,
        created_by=_user(actor),
        created_at=clock.now(),
    )
    with transaction.atomic():
        person.save(force_insert=True)
        record_audit(
            actor,
            "enterprises.entrepreneur_listed",
            "entrepreneur",
            person.pk,
            {"district": district.pk, "show_phone": person.show_phone},
        )
    return person


def withdraw_entrepreneur(person: Entrepreneur, *, actor: User) -> Entrepreneur:
    """She asked to leave the directory: her entry is hidden and her phone erased."""
    if not may_keep(actor, person.district):
        raise NotAllowed("you may not keep this district's directory")
    with transaction.atomic():
        changed = Entrepreneur.objects.filter(pk=person.pk, listed=True).update(
            listed=False, phone="", show_phone=False
        )
        if changed != 1:
            raise Conflict("she has already left the directory")
        record_audit(actor, "enterprises.entrepreneur_withdrawn", "entrepreneur", person.pk, {})
    person.listed, person.phone, person.show_phone = False, "", False
    return person


# ---------------------------------------------------------------- requests


def enterprise_federations() -> list[Org]:
    """The new-domain federations an enterprise can send its request to."""
    return list(
        Org.objects.filter(
            level=Org.Level.DOMAIN, kind__in=[Org.Kind.ENTERPRISE, Org.Kind.PARK]
        ).order_by("name")
    )


def city_org() -> Org:
    """Where a request without an enterprise federation goes: the city federation."""
    city = Org.objects.filter(level=Org.Level.CITY).order_by("pk").first()
    if city is None:
        raise InvalidInput("no city federation is set up", fields={"federation": "none"})
    return city


@dataclass(frozen=True)
class RequestForm:
    kind: str
    enterprise: str
    contact_name: str
    phone: str
    text: str
    federation: Org | None = None
    consent: bool = False


def submit_request(form: RequestForm, *, actor: User | None = None) -> Concern:
    """An enterprise's request becomes a concern (创业、贷款与女性企业经营), received at the
    enterprise's federation, or at the city's when it has none."""
    if form.kind not in RequestKind.values:
        raise InvalidInput("choose what you need", fields={"kind": "invalid"})
    enterprise = _text(form.enterprise, "enterprise", 100)
    name = _text(form.contact_name, "contact_name", 32)
    phone = _phone(form.phone, required=True)
    text = _text(form.text, "text", MAX_TEXT)
    federation = form.federation
    if federation is not None and (
        federation.level != Org.Level.DOMAIN or federation.kind not in DOMAIN_KINDS
    ):
        raise InvalidInput("choose your enterprise's federation", fields={"federation": "invalid"})
    if not form.consent:
        raise InvalidInput("the consent is required", fields={"consent": "required"})
    label = RequestKind(form.kind).label
    intake = ConcernIntake(
        text=f"【{label}】{enterprise}：{text}",
        channel=Channel.WEB,
        category=CATEGORY,
        subcategory=SUBCATEGORY,
        org=federation or city_org(),
        reporter_name=name,
        reporter_phone=phone,
        legal_basis=LegalBasis.CONSENT,
        consent=True,
        consent_version=REQUEST_CONSENT_VERSION,
        source_client=SOURCE,
    )
    with transaction.atomic():
        concern = take_in_concern(intake, actor=actor).concern
        request = EnterpriseRequest.objects.create(
            kind=form.kind,
            enterprise=enterprise,
            federation=federation,
            concern=concern,
            created_at=clock.now(),
        )
        record_audit(
            actor,
            "enterprises.request_received",
            "concern",
            concern.pk,
            {
                "kind": form.kind,
                "request": request.pk,
                "federation": federation.pk if federation else None,
            },
        )
    return concern
