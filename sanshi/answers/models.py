"""Ready answers (知识库): short approved texts per category that staff reuse in replies and
residents read on the report page (issue 26 item 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织"))
    category = models.CharField(max_length=32, verbose_name=_("类别"))  # a taxonomy category code
    kind = models.CharField(
        max_length=16,
        choices=AnswerKind.choices,
        default=AnswerKind.OTHER,
        verbose_name=_("答复类型"),
    )
    title = models.CharField(max_length=TITLE_MAX, verbose_name=_("标题"))
    body = models.TextField(verbose_name=_("正文"))
    public = models.BooleanField(default=False, verbose_name=_("公开"))
    state = models.CharField(
        max_length=10,
        choices=AnswerState.choices,
        default=AnswerState.PROPOSED,
        verbose_name=_("审核状态"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撰写人"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("批准时间"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(verbose_name=_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "答复范本")
        verbose_name_plural = pgettext_lazy("plural", "答复范本")
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
