"""Taking a concern in: one typed intake from every way in, one action.

Each way in (the residents' form and member cards, Open311, the JSON API) builds a
`ConcernIntake` and calls `take_in_concern`: triage reads the text once, the consent rule is
checked, the receiving org is chosen, and the concern is received (and dispatched when
triage is sure) in one transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import transaction

from sanshi.attachments.actions import attach_files, source_for
from sanshi.attachments.sanitise import CleanFile
from sanshi.concerns.actions import (
    check_receivable,
    minor_consent_problem,
    receive_concern,
)
from sanshi.concerns.models import Concern, LegalBasis, Urgency
from sanshi.core.errors import InvalidInput
from sanshi.core.types import User
from sanshi.intake import reporter
from sanshi.intake.receiving import receiving_org
from sanshi.intake.reporter import ReporterRelation, basis_with_relation, guardian_consents
from sanshi.messaging.actions import ContactChoice, record_choice
from sanshi.orgs.models import Division, Org, Person
from sanshi.orgs.selectors import division_by_code, org_by_id
from sanshi.triage.dispatch import auto_dispatch_target
from sanshi.triage.engine import TriageResult, triage
from sanshi.triage.routing import route_with_text

AUTO_DISPATCH_NOTE = "自动派单（智能分拨）"


@dataclass(frozen=True)
class ConcernIntake:
    """What a way in was told about a new concern.

    Empty category, subcategory, urgency, org, division and community are triage's to fill;
    what the caller gives wins, except that a critical triage keeps the concern critical.
    """

    text: str
    channel: str
    address: str = ""
    category: str = ""
    subcategory: str = ""
    urgency: str | None = None
    org: Org | None = None
    division: Division | None = None
    community: Org | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    minor_under_14: bool = False
    guardian_consent: bool = False
    publish_consent: bool = False
    protected: bool = False
    # The basis the client states (the JSON API, Open311); None: the form's, which follows
    # from `consent`, who reports and whether there is danger.
    legal_basis: str | None = LegalBasis.CONSENT
    consent: bool = True
    reporter_relation: str = ReporterRelation.SELF
    consent_version: str = ""
    member: Person | None = None
    source_client: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    # Files already checked and cleaned (sanshi.attachments), kept with the concern.
    attachments: tuple[CleanFile, ...] = ()
    # The resident's safe way and time to be messaged (sanshi.messaging), when she said.
    contact: ContactChoice | None = None


@dataclass(frozen=True)
class TakenIn:
    concern: Concern
    triage: TriageResult

    @property
    def critical(self) -> bool:
        return bool(self.triage.critical) or self.concern.urgency == Urgency.CRITICAL


def legal_basis_for(intake: ConcernIntake, *, critical: bool) -> tuple[str, bool]:
    """The legal basis to take the report in on and whether the guardian consents, or
    InvalidInput naming what is missing (the consent rule, in one place).

    Who reports decides the basis (sanshi.intake.reporter): a third party's report of harm to
    a child rests on the duty to protect children, the guardian's own report is her consent;
    without the reporter's consent only danger to life is a basis (PIPL art. 13). A child
    under 14 taken in on consent needs the guardian's consent too.
    """
    relation, minor = intake.reporter_relation, intake.minor_under_14
    guardian = guardian_consents(relation, intake.guardian_consent)
    if intake.legal_basis is None:
        basis = reporter.legal_basis_for(
            relation,
            minor_under_14=minor,
            consent=intake.consent,
            guardian_consent=guardian,
            critical=critical,
        )
    else:
        basis, guardian = basis_with_relation(
            relation,
            minor_under_14=minor,
            legal_basis=intake.legal_basis,
            guardian_consent=intake.guardian_consent,
        )
    missing: dict[str, str] = {}
    if not intake.consent and basis == LegalBasis.CONSENT:
        missing["consent"] = "required"
    problem = minor_consent_problem(
        minor_under_14=minor, legal_basis=basis, guardian_consent=guardian
    )
    if problem:
        missing["guardian_consent"] = "required"
    if missing:
        raise InvalidInput(problem or "the reporter's consent is required", fields=missing)
    return basis, guardian


def take_in_concern(intake: ConcernIntake, *, actor: User | None) -> TakenIn:
    """Triage a new concern, receive it at the right org, and dispatch it when triage is sure.

    Bad input is refused before the transaction starts, so a caller's own transaction stays
    usable after an InvalidInput.
    """
    result = triage(intake.text, intake.address or None)
    # A community the text names ("我是北部湾社区的居民") where the address says less.
    route = route_with_text(result.route, intake.text)
    if route is not result.route:
        result = dataclasses.replace(result, route=route)
    basis, guardian = legal_basis_for(intake, critical=bool(result.critical))
    org = intake.org or receiving_org(result.route)
    category, subcategory, urgency = _what(result, intake)
    division, community = _where(result, intake)
    _text, category, *_rest = check_receivable(
        text=intake.text,
        channel=intake.channel,
        category=category,
        subcategory=subcategory,
        urgency=urgency,
        legal_basis=basis,
    )
    target = auto_dispatch_target(category, org, result)
    given = {f.name: getattr(intake, f.name) for f in fields(intake) if f.name not in _NOT_STORED}
    given.update(
        guardian_consent=guardian,
        org=org,
        category=category,
        subcategory=subcategory,
        urgency=urgency,
        division=division,
        community=community,
        legal_basis=basis,
    )
    # The concern, its files and the resident's choice of contact: one transaction.
    with transaction.atomic(savepoint=False):
        concern = receive_concern(
            **given,
            actor=actor,
            triage=result.as_dict(),
            triage_version=result.model_version,
            dispatch_to=target,
            dispatch_note=AUTO_DISPATCH_NOTE if target else "",
        )
        source = source_for(intake.channel, actor)
        attach_files(concern, intake.attachments, actor=actor, source=source)
        if intake.contact is not None:
            record_choice(concern, intake.contact, actor=actor)
    return TakenIn(concern, result)


# What the intake says that the concern does not keep as such.
_NOT_STORED = frozenset({"consent", "reporter_relation", "attachments", "contact"})


def _what(result: TriageResult, intake: ConcernIntake) -> tuple[str, str, str]:
    """Category, subcategory and urgency: the caller's word first, but danger is never cleared."""
    category, subcategory = intake.category, intake.subcategory
    if not category and not subcategory:
        category, subcategory = result.category, result.subcategory
    elif category and not subcategory and result.subcategory.startswith(category + "."):
        subcategory = result.subcategory
    urgency = intake.urgency or result.urgency
    if result.critical:
        urgency = Urgency.CRITICAL
    return category, subcategory, urgency


def _where(result: TriageResult, intake: ConcernIntake) -> tuple[Division | None, Org | None]:
    """Division and community: the caller's, else where triage's routing put the address."""
    division, community, route = intake.division, intake.community, result.route
    if route is not None and division is None and route.division_code:
        division = division_by_code(route.division_code)
    if route is not None and community is None and route.community_org_id is not None:
        community = org_by_id(route.community_org_id)
    return division, community
