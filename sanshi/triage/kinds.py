"""The kinds of danger triage names, and the line a resident should call for each.

One place for both: the detectors name a kind for every flag, the concern page and the API
show it, and the public pages show the line that fits (issue 19).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DangerKind(models.TextChoices):
    SELF_HARM = "self_harm", _("自杀或自伤意图")
    VIOLENCE = "violence", _("正在发生的暴力")
    THREAT = "threat", _("扬言杀人或伤人")
    CONFINEMENT = "confinement", _("被限制人身自由")
    CHILD_DANGER = "child_danger", _("儿童走失或处境危险")
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("儿童遭受性侵害")
    MEDICAL = "medical", _("急症")


@dataclass(frozen=True)
class Line:
    number: str
    name: str | Promise  # translated lazily


POLICE = Line("110", _("报警"))
AMBULANCE = Line("120", _("急救"))
PSYCHOLOGICAL = Line("12356", _("心理援助热线"))
WOMENS_RIGHTS = Line("12338", _("妇女维权公益热线"))

# The line that fits each kind first; 12338 is shown on every public page besides.
LINE_FOR_KIND: dict[str, Line] = {
    DangerKind.SELF_HARM: PSYCHOLOGICAL,
    DangerKind.VIOLENCE: POLICE,
    DangerKind.THREAT: POLICE,
    DangerKind.CONFINEMENT: POLICE,
    DangerKind.CHILD_DANGER: POLICE,
    DangerKind.CHILD_SEXUAL_ABUSE: POLICE,
    DangerKind.MEDICAL: AMBULANCE,
}


def lines_for(kinds: list[str] | tuple[str, ...]) -> list[Line]:
    """The lines for these kinds, each once, in the kinds' order, then 12338."""
    lines: list[Line] = []
    for kind in kinds:
        line = LINE_FOR_KIND.get(kind)
        if line is not None and line not in lines:
            lines.append(line)
    if WOMENS_RIGHTS not in lines:
        lines.append(WOMENS_RIGHTS)
    return lines
