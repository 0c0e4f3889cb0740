from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TriageConfig(AppConfig):
    name = "sanshi.triage"
    label = "triage"

    def ready(self) -> None:
        from sanshi.orgs.models import Division, Org
        from sanshi.triage.models import PlaceAlias
        from sanshi.triage.routing import forget_gazetteer

        # A place saved through this process is routed to at once; other processes see it
        # within REFERENCE_DATA_SECONDS.
        for model in (Division, Org, PlaceAlias):
            post_save.connect(forget_gazetteer, sender=model, dispatch_uid=f"gazetteer-{model}")
            post_delete.connect(forget_gazetteer, sender=model, dispatch_uid=f"gazetteer-{model}-")
