"""What the console keeps for its users: their saved search filters."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SavedFilter(models.Model):
    """A search a user named to run again (the query string of the search page)."""

    user = models.ForeignKey(  # indexed by saved_filter_unique_name (user, name)
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        db_index=False,
        verbose_name=_("用户"),
    )
    name = models.CharField(max_length=60, verbose_name=_("名称"))
    query = models.CharField(max_length=1000, blank=True, default="", verbose_name=_("查询条件"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "保存的筛选")
        verbose_name_plural = pgettext_lazy("plural", "保存的筛选")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"
