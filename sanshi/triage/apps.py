from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TriageConfig(AppConfig):
    name = "sanshi.triage"
    label = "triage"

    def ready(self) -> None:
        from sanshi.orgs.models import Division, Membership, Org
        from sanshi.triage.intake import forget_receiving_orgs
        from sanshi.triage.models import PlaceAlias
        from sanshi.triage.routing import forget_gazetteer

        # A place saved through this process is routed to at once; other processes see it
        # within TRIAGE_GAZETTEER_CHECK_SECONDS.
        for model in (Division, Org, PlaceAlias):
            post_save.connect(forget_gazetteer, sender=model, dispatch_uid=f"gazetteer-{model}")
            post_delete.connect(forget_gazetteer, sender=model, dispatch_uid=f"gazetteer-{model}-")
        # The same for the org that receives a routed concern (it depends on dispatchers).
        for other in (Org, Membership):
            post_save.connect(forget_receiving_orgs, sender=other, dispatch_uid=f"recv-{other}")
            post_delete.connect(forget_receiving_orgs, sender=other, dispatch_uid=f"recv-{other}-")
