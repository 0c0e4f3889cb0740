"""Who reports, and the legal basis that follows: anyone may report harm to a child.

The consent rule itself is `sanshi.concerns.actions.minor_consent_problem`; this module only
decides which basis a report rests on, from who the reporter says they are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import LegalBasis


class ReporterRelation(models.TextChoices):
    SELF = "self", _("当事人本人")
    GUARDIAN = "guardian", _("孩子的监护人（父母等）")
    THIRD_PARTY = "third_party", _("知情人（邻居、老师、亲属等）")


def legal_basis_for(
    relation: str, *, minor_under_14: bool, consent: bool, guardian_consent: bool, critical: bool
) -> str:
    """The basis a report rests on.

    A third party's report about a child is taken in under the duty to protect children
    (未成年人保护法 art. 11; PIPL art. 13: a legal duty), with no guardian's consent. Otherwise
    the reporter's consent (and the guardian's, for a child under 14); failing that, danger
    to life (PIPL art. 13) where triage saw it.
    """
    if minor_under_14 and relation == ReporterRelation.THIRD_PARTY:
        return LegalBasis.STATUTORY_DUTY
    guardian = guardian_consent or relation == ReporterRelation.GUARDIAN
    if consent and (guardian or not minor_under_14):
        return LegalBasis.CONSENT
    return LegalBasis.EMERGENCY if critical else LegalBasis.CONSENT


def guardian_consents(relation: str, guardian_consent: bool) -> bool:
    """The guardian's own report is the guardian's consent."""
    return guardian_consent or relation == ReporterRelation.GUARDIAN


def basis_with_relation(
    relation: str, *, minor_under_14: bool, legal_basis: str, guardian_consent: bool
) -> tuple[str, bool]:
    """A client's stated basis and guardian's consent (Open311, the JSON API), given who
    reports: a third party's report about a child rests on the duty to protect children where
    the client said consent; the guardian's own report is the guardian's consent."""
    third_party = minor_under_14 and relation == ReporterRelation.THIRD_PARTY
    if third_party and legal_basis == LegalBasis.CONSENT:
        legal_basis = LegalBasis.STATUTORY_DUTY
    return legal_basis, guardian_consents(relation, guardian_consent)
