"""The federation's places (阵地): 妇女之家, 儿童之家, activity centres, studios and the like."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.orgs.models import Division, Org


class PlaceKind(models.TextChoices):
    WOMENS_HOME = "womens_home", _("妇女之家")
    CHILDRENS_HOME = "childrens_home", _("儿童之家")
    ACTIVITY_CENTRE = "activity_centre", _("妇女儿童活动中心")
    STUDIO = "studio", _("三八红旗手工作室")
    OVERSEAS_HOME = "overseas_home", _("侨之家")
    FAMILY_TRADITION_BASE = "family_tradition_base", _("家风家训基地")
    MODEL_POST = "model_post", _("巾帼文明岗")
    OTHER = "other", _("其他")


class Place(models.Model):
    """A place an org runs, open to residents on set days (a 儿童之家 every afternoon)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="places")
    kind = models.CharField(max_length=24, choices=PlaceKind.choices)
    name = models.CharField(max_length=100)
    # A place's address is public (residents go there), so it is not sealed.
    address = models.CharField(max_length=200, blank=True, default="")
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(max_length=32, blank=True, default="")
    capacity = models.PositiveIntegerField(default=0)
    facilities = models.CharField(max_length=300, blank=True, default="")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    is_public = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "name"], name="place_unique_name_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening span on a weekday (0 = Monday); holidays follow the work calendar."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hours",
                              db_index=False)  # fmt: skip
    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["place", "weekday", "opens"], name="opening_hours_unique_span"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekday_0_to_6"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens}-{self.closes}"
