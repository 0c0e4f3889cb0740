"""`sanshi export-person --phone N`: everything sanshi holds about one reporter (PIPL access)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.audit.actions import record_audit
from sanshi.concerns.models import Concern
from sanshi.core.crypto import normalise_phone, phone_index


class Command(BaseCommand):
    help = (
        "Export, as JSON, the concerns a person reported (found by phone through the blind index)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phone", required=True)
        parser.add_argument("--reason", required=True, help="the request this answers (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        phone = normalise_phone(options["phone"])
        if len(phone) < 7:
            raise CommandError("--phone: expected a phone number")
        concerns = Concern.objects.filter(reporter_phone_index=phone_index(phone)).order_by("pk")
        record_audit(
            None,
            "person.exported",
            "phone_index",
            phone_index(phone)[:16],
            {"reason": options["reason"], "concerns": [c.pk for c in concerns]},
        )
        rows = [
            {
                "tracking_code": c.tracking_code,
                "received_at": c.received_at.isoformat(),
                "channel": c.channel,
                "text": c.text,
                "address": c.address,
                "reporter_name": c.reporter_name,
                "reporter_phone": c.reporter_phone,
                "category": c.category,
                "subcategory": c.subcategory,
                "status": c.status,
                "solved": c.solved,
                "satisfaction": c.satisfaction,
                "rating_comment": c.rating_comment,
                "timeline": [
                    {"at": e.at.isoformat(), "kind": e.kind} for e in c.events.order_by("at", "pk")
                ],
            }
            for c in concerns
        ]
        self.stdout.write(
            json.dumps({"phone": phone, "concerns": rows}, ensure_ascii=False, indent=2)
        )
