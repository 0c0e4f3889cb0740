"""What the console keeps for its users: their saved search filters."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A search a user named to run again (the query string of the search page)."""

    user = models.ForeignKey(  # indexed by saved_filter_unique_name (user, name)
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        db_index=False,
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"
