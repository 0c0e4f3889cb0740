"""The federation's places (阵地): 妇女之家, 儿童之家, activity centres, studios and the like."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanshi.core.fields import EncryptedTextField
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

    org = models.ForeignKey(  # indexed by place_unique_name_in_org (org, name)
        Org, on_delete=models.PROTECT, related_name="places", db_index=False
    )
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

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hours", db_index=False)
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


class PlacePhoto(models.Model):
    """A photo of a place, checked and re-encoded without its metadata, kept in the storage."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    path = models.CharField(max_length=200)  # the name in Django's default storage
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.path


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("所有居民")
    WOMEN = "women", _("妇女")
    CHILDREN = "children", _("儿童（监护人报名）")
    FAMILIES = "families", _("家庭")
    ELDERLY = "elderly", _("老年人")
    OVERSEAS = "overseas", _("归侨侨眷")


class ActivitySeries(models.Model):
    """Weekly activities made at once (a Saturday reading club for a term)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="series"
    )
    title = models.CharField(max_length=100)
    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """One activity on one day: organised by an org, at one of its places or elsewhere."""

    # Both indexed by the (…, starts_at) indexes below.
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="activities", db_index=False
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,
    )
    series = models.ForeignKey(
        ActivitySeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    location = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    # Confirmed sign-ups; raised only by a conditional UPDATE that keeps it <= capacity.
    taken = models.PositiveIntegerField(default=0)
    signup_opens = models.DateTimeField()
    signup_closes = models.DateTimeField()
    is_published = models.BooleanField(default=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The code shown at the door (a QR code of the check-in address); unguessable.
    door_token = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("capacity")), name="activity_not_overfull"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["place", "starts_at"]),
            models.Index(fields=["org", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    """A resident's place at an activity (or on its waiting list); her name and phone sealed.

    For a children's activity the resident is the guardian, who consents for the child; the
    child's name is sealed too and only the age is kept in clear (for the figures)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITING = "waiting", _("候补")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="signups", db_index=False
    )
    name = EncryptedTextField()
    phone = EncryptedTextField()
    phone_index = models.CharField(max_length=64)
    child_name = EncryptedTextField(blank=True, default="")
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    guardian_consent = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices)
    # Her code: the address of her sign-up page and of the QR code staff scan at the door.
    code = models.CharField(max_length=32, unique=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.CharField(max_length=500, blank=True, default="")
    feedback_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            # One live sign-up per phone per activity (cancelled ones do not count).
            models.UniqueConstraint(
                fields=["activity", "phone_index"],
                condition=~models.Q(status="cancelled"),
                name="signup_once_per_phone",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | (models.Q(rating__gte=1) & models.Q(rating__lte=5)),
                name="signup_rating_1_to_5",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["activity", "status", "created_at"])]

    def __str__(self) -> str:
        return f"signup {self.pk}"


class Duty(models.Model):
    """A volunteer on duty at an activity; her hours go to her service record once entered."""

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="duties", db_index=False
    )  # indexed by duty_once
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "volunteers.ServiceRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="duty_once")
        ]

    def __str__(self) -> str:
        return f"duty {self.pk}"
