"""`sanshi reindex-search`: rebuild the text search index from the sealed texts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanshi.concerns.models import Concern
from sanshi.concerns.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the keyed-hash search index of every concern (after a new SANSHI_SEARCH_KEY)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild_index(Concern)
        self.stdout.write(f"reindexed {written} concerns")
