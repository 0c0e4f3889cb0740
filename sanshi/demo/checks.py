"""The demo's "check for danger" list: two residents' messages that triage was unsure of,
taken in through intake (the real triage, consent rule and receiving org), so 海城区's
protection officer (haicheng_protection) finds them on her home page and settles them.

The texts are ours, written for the demo (none from a labelled set). They are taken in at
the moment the demo is loaded, so their 30-minute check deadline runs while the demo serves
and the SLA sweep reminds her when it passes. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sanshi.concerns.models import Channel, Concern
from sanshi.core import clock
from sanshi.intake.take_in import ConcernIntake, take_in_concern
from sanshi.orgs.models import Org

MARKER = "demo:danger-check"
# (community, minutes ago, text): a resident's own words, neither calm nor plainly danger.
UNSURE = (
    ("北部湾社区妇联", 12, "最近老是觉得活着好累，一个人的时候就哭"),
    ("北部湾社区妇联", 4, "有时候也想过死，但是舍不得孩子，就这么过吧"),
)


def load_danger_checks() -> list[Concern]:
    """Take the demo's unsure messages in (at 海城区); [] when they are there already."""
    if Concern.objects.filter(source_client=MARKER).exists():
        return []
    taken = []
    now = clock.now()
    with transaction.atomic():
        for name, minutes, text in UNSURE:
            community = Org.objects.select_related("parent__parent").get(
                name=name, level=Org.Level.COMMUNITY
            )
            township = community.parent
            county = township.parent if township is not None else None
            with clock.at(now - dt.timedelta(minutes=minutes)):
                result = take_in_concern(
                    ConcernIntake(
                        text=text,
                        channel=Channel.WEB,
                        org=county,
                        community=community,
                        address=f"北海市海城区{community.name.removesuffix('妇联')}",
                        source_client=MARKER,
                        consent_version="demo",
                    ),
                    actor=None,
                )
            taken.append(result.concern)
    return taken
