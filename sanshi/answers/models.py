"""Ready answers (知识库): short approved texts per category that staff reuse in replies and
residents read on the report page (issue 26 item 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanshi.orgs.models import Org

TITLE_MAX = 80
BODY_MAX = 1000


class AnswerKind(models.TextChoices):
    POLICY = "policy", _("政策")
    WHERE_TO_GO = "where_to_go", _("去哪里办")
    LEGAL_AID = "legal_aid", _("法律援助")
    OTHER = "other", _("其他")


class AnswerState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    APPROVED = "approved", _("已通过")
    RETIRED = "retired", _("已停用")


class ReadyAnswer(models.Model):
    """One short answer kept by an org for a category; used only once a second person approved
    it, and shown to residents only when also marked public."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)  # a taxonomy category code
    kind = models.CharField(max_length=16, choices=AnswerKind.choices, default=AnswerKind.OTHER)
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField()
    public = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=AnswerState.choices, default=AnswerState.PROPOSED
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["category", "state"], name="answer_category_state")]
        constraints = [
            # An approved answer names a second person.
            models.CheckConstraint(
                condition=~Q(state="approved")
                | (Q(approved_by__isnull=False) & ~Q(approved_by=models.F("written_by"))),
                name="answer_approved_by_another",
            )
        ]

    def __str__(self) -> str:
        return self.title
