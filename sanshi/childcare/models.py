"""儿童之家 sessions: the children enrolled at a place, the adults who may collect them, and
each session day's sign-in and sign-out.

Everything that names a child or an adult is sealed at rest (EncryptedTextField): the
child's name, the guardian, the collectors' names, relations and phones. What stays in the
clear says only that a child with this id was signed in or out at a time, by which user.
A pick-up code is never stored: only its keyed hash (sanshi.core.crypto.blind_index).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.core.fields import EncryptedTextField
from sanshi.network.models import Household
from sanshi.orgs.models import Person
from sanshi.places.models import Place


class Child(models.Model):
    """A child enrolled at a 儿童之家, with the guardian who enrolled her."""

    place = models.ForeignKey(  # indexed by (place, left_on)
        Place, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = EncryptedTextField()
    # What volunteers see on the day's list (and nothing else).
    first_name = EncryptedTextField()
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    guardian_name = EncryptedTextField()
    guardian_relation = EncryptedTextField()
    guardian_phone = EncryptedTextField()
    # The household a committee member keeps (for the gentle follow-up of absences).
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_on = models.DateField()
    enrolled_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["place", "left_on"])]

    def __str__(self) -> str:
        return f"child {self.pk}"


class Collector(models.Model):
    """An adult the guardian allows to collect the child, with her own pick-up code."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="collectors")
    name = EncryptedTextField()
    relation = EncryptedTextField()
    phone = EncryptedTextField()
    code_hash = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"collector {self.pk} of child {self.child_id}"


class Session(models.Model):
    """One day's session at a place, with the closing time it keeps (from its opening hours)."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()
    opens = models.TimeField()
    closes = models.TimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    # Set by the sweep once it has marked the children who never came (a pass after closing).
    absences_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["place", "day"], name="childcare_one_session_a_day")
        ]

    def __str__(self) -> str:
        return f"session {self.place_id} {self.day}"


class Presence(models.TextChoices):
    IN = "in", _("在场")
    OUT = "out", _("已接走")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class Attendance(models.Model):
    """A child at one session: signed in, signed out to whom, or absent (and why)."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=8, choices=Presence.choices)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_out_at = models.DateTimeField(null=True, blank=True)
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    collected_by = models.ForeignKey(
        Collector, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    absence_reason = EncryptedTextField(blank=True, default="")
    manager_alerted_at = models.DateTimeField(null=True, blank=True)
    officer_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "child"], name="childcare_once_a_session")
        ]
        indexes: ClassVar = [models.Index(fields=["status", "officer_alerted_at"])]

    def __str__(self) -> str:
        return f"attendance {self.child_id} {self.session_id} {self.status}"


class FollowUp(models.Model):
    """A gentle follow-up for the 执委 of a child's household after unexplained absences."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="follow_ups")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    keeper = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The last of the absences that opened it: one follow-up per run of absences.
    last_absence = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"follow-up {self.pk} child {self.child_id}"
