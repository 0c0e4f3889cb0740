"""A committee member's households ("1+10+N") and her visits to them.

Everything that says who lives where and what their troubles are is sealed at rest: the
address, the people recorded (with their consent), the care flags, what a visit found and
its follow-up. Only `next_visit_due` stays in the clear, so overdue visits are one indexed
query; it says a visit is due, never why.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern
from sanshi.core.fields import EncryptedJSONField, EncryptedTextField
from sanshi.orgs.models import Org, Person


class CareFlag(models.TextChoices):
    """Why a household needs regular visits (sensitive: sealed, never shown to volunteers
    or leaders)."""

    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    ELDER_ALONE = "elder_alone", _("独居老人")
    WOMAN_IN_HARDSHIP = "woman_in_hardship", _("困境妇女")
    SINGLE_PARENT = "single_parent", _("单亲")
    DISABILITY = "disability", _("残疾")
    DV_HISTORY = "dv_history", _("家暴史")


class Household(models.Model):
    """A household a committee member keeps in touch with."""

    # Both indexed by the (…, active, next_visit_due) indexes below.
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="households", db_index=False
    )
    keeper = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="households", db_index=False
    )
    address = EncryptedTextField()
    # [{"name": ..., "relation": ..., "phone": ...}], recorded with their consent (consent_on).
    people = EncryptedJSONField(default=list, blank=True)
    consent_on = models.DateField(null=True, blank=True)
    flags = EncryptedJSONField(default=list, blank=True)
    last_visited_on = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["keeper", "active", "next_visit_due"]),
            models.Index(fields=["org", "active", "next_visit_due"]),
        ]

    def __str__(self) -> str:
        return f"household {self.pk} · {self.org_id}"


class Visit(models.Model):
    """One visit to a household: when, what was found, what follows."""

    household = models.ForeignKey(  # indexed by (household, -visited_on)
        Household, on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    visitor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    found = EncryptedTextField()
    follow_up = EncryptedTextField(blank=True, default="")
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["household", "-visited_on"])]

    def __str__(self) -> str:
        return f"visit {self.pk} · {self.visited_on}"


class Office(models.TextChoices):
    """Offices of a federation's committee (a 届)."""

    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    PART_TIME_VICE_CHAIR = "part_time_vice_chair", _("兼职副主席")
    COMMITTEE_MEMBER = "committee_member", _("执委")


class Term(models.Model):
    """A federation's committee term (第 N 届), from its election to the next."""

    org = models.ForeignKey(  # indexed by term_unique_number (org, number)
        Org, on_delete=models.PROTECT, related_name="terms", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} 第{self.number}届"


class Seat(models.Model):
    """A person's office in one term: when she joined, when and why she left, and what she
    agreed to show in the public directory (nothing until she says so)."""

    term = models.ForeignKey(  # indexed by (term, left_on)
        Term, on_delete=models.PROTECT, related_name="seats", db_index=False
    )
    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.PROTECT, related_name="seat"
    )
    office = models.CharField(max_length=24, choices=Office.choices)
    sector = models.CharField(max_length=32, blank=True, default="")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=200, blank=True, default="")
    show_name = models.BooleanField(default=False)
    show_sector = models.BooleanField(default=False)
    show_helps_with = models.BooleanField(default=False)
    show_card = models.BooleanField(default=False)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["term", "left_on"])]

    def __str__(self) -> str:
        return f"{self.get_office_display()} · {self.membership_id}"
