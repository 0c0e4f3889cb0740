"""The authorization matrix: personas, placements, the expected table, and what every case checks.

The expected outcomes are written out by hand from docs/privacy.md and issues 6 and 19 (who may see
what, who may take which step), never computed with `allowed_actions` or `visibility`: the
matrix tests the code against the rules, not against itself.

Placements: "inside" is a concern handled by 北部湾社区 (the community personas' own org, under
东街街道 and 海城区); "outside" is one handled by 银滩社区 under a second county, 银海区, so
only the city's personas are above it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Max
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sanshi.api.actions import issue_api_token
from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.models import (
    Assignment,
    BreakGlassGrant,
    Channel,
    Concern,
    ConcernEvent,
    LegalStep,
)
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import World, build_world, make_user, person_of

# ---------------------------------------------------------------- personal data of the concerns

NAME = "黄丽娟"
PHONE = "13877665544"
ADDRESS = "东街十二巷7号3栋501室"
PLAIN_TEXT = "孩子放学后没人照看，想问问儿童之家还有没有名额"
PROTECTED_TEXT = "丈夫昨晚又动手打我，我带着孩子躲在娘家不敢回去"
NOTE = f"居民{NAME}请回电{PHONE}"
REPLY = "已为您登记儿童之家名额，社区将电话通知"
PERSONAL = (NAME, PHONE, ADDRESS, PLAIN_TEXT, PROTECTED_TEXT)

# ---------------------------------------------------------------- the personas and the table

# Column order of every row below.
ROLES = (
    "anonymous",  # nobody signed in
    "dispatcher",  # 派单员, 海城区
    "county_staff",  # 工作人员, 海城区
    "chair",  # 主席, 北部湾社区
    "member",  # 执委, 北部湾社区
    "social_worker",  # 社工, 北部湾社区
    "volunteer",  # 巾帼志愿者, 北部湾社区, not assigned
    "assigned_volunteer",  # 巾帼志愿者, 北部湾社区, an active handler of every concern here
    "protection",  # 权益保护专员, 海城区
    "leader",  # 领导, 北海市
    "city_staff",  # 工作人员, 北海市
    "outside_member",  # 执委, 侨中社区
)
PLACES = ("inside", "outside")
PROTECTION = ("plain", "protected")
# Ways a concern becomes protected (docs/privacy.md): an urgent subcategory, a child under 14,
# or a staff member marking it.
FLAVOURS = ("plain", "urgent", "minor", "marked")

# Outcome letters:
#   A allowed (API 200, console 303 to the concern)   F visible but not allowed (403)
#   N not visible (404)   U not signed in (API 401, console 302 to the login page)
#   X nothing to do (400: break-glass on a concern one already sees in full)
#   V shown in full   S protected stub   D de-identified (leaders)   - not applicable

# Lifecycle steps: handlers (a handler role in the concern's own org, or assigned) sign,
# return, contact, refer, reply and ask for more time; supervisors (chair, vice-chair, staff,
# dispatcher at or above the org) dispatch, close, follow up, merge and decide extensions
# (not on their own case); either may note, assign and escalate; protection officers at or
# above may also reclassify, change the urgency and record legal steps. Leaders only read.
# A protected concern (issue 19): nobody who cannot read it handles it (a 执委 or social
# worker of the org who sees only its stub may not sign, note or contact), and the protection
# officers of the org or above handle it as its own handlers do.
_INSIDE_PLAIN = {
    #                      anon disp cnty chair memb sw  vol avol prot lead city outm
    "dispatch": "U   A    A    A     F    F   N   F    F    F    A    N",
    "assign": "U   A    A    A     A    A   N   A    F    F    A    N",
    "sign": "U   F    F    A     A    A   N   A    F    F    F    N",
    "return": "U   F    F    A     A    A   N   A    F    F    F    N",
    "contact": "U   F    F    A     A    A   N   A    F    F    F    N",
    "refer": "U   F    F    A     A    A   N   A    F    F    F    N",
    "note": "U   A    A    A     A    A   N   A    F    F    A    N",
    "request_extension": "U   F    F    A     A    A   N   A    F    F    F    N",
    "decide_extension": "U   A    A    A     F    F   N   F    F    F    A    N",
    "reply": "U   F    F    A     A    A   N   A    F    F    F    N",
    "follow_up": "U   A    A    A     F    F   N   F    F    F    A    N",
    "close": "U   A    A    A     F    F   N   F    F    F    A    N",
    "merge": "U   A    A    A     F    F   N   F    F    F    A    N",
    "escalate": "U   A    A    A     A    A   N   A    F    F    A    N",
    "escalation_response": "U   A    A    A     F    F   N   F    F    F    A    N",
    "reclassify": "U   A    A    A     A    A   N   A    A    F    A    N",
    "change_urgency": "U   A    A    A     A    A   N   A    A    F    A    N",
    "legal_step": "U   F    F    A     A    A   N   A    A    F    F    N",
}
_INSIDE_PROTECTED = {
    #                      anon disp cnty chair memb sw  vol avol prot lead city outm
    "dispatch": "U   A    A    A     F    F   N   F    F    F    A    N",
    "assign": "U   A    A    A     F    F   N   A    A    F    A    N",
    "sign": "U   F    F    A     F    F   N   A    A    F    F    N",
    "return": "U   F    F    A     F    F   N   A    A    F    F    N",
    "contact": "U   F    F    A     F    F   N   A    A    F    F    N",
    "refer": "U   F    F    A     F    F   N   A    A    F    F    N",
    "note": "U   A    A    A     F    F   N   A    A    F    A    N",
    "request_extension": "U   F    F    A     F    F   N   A    A    F    F    N",
    "decide_extension": "U   A    A    A     F    F   N   F    F    F    A    N",
    "reply": "U   F    F    A     F    F   N   A    A    F    F    N",
    "follow_up": "U   A    A    A     F    F   N   F    F    F    A    N",
    "close": "U   A    A    A     F    F   N   F    F    F    A    N",
    "merge": "U   A    A    A     F    F   N   F    F    F    A    N",
    "escalate": "U   A    A    A     F    F   N   A    A    F    A    N",
    "escalation_response": "U   A    A    A     F    F   N   F    F    F    A    N",
    "reclassify": "U   A    A    A     F    F   N   A    A    F    A    N",
    "change_urgency": "U   A    A    A     F    F   N   A    A    F    A    N",
    "legal_step": "U   F    F    A     F    F   N   A    A    F    F    N",
}
_OUTSIDE = {
    #                      anon disp cnty chair memb sw  vol avol prot lead city outm
    "dispatch": "U   N    N    N     N    N   N   F    N    F    A    N",
    "assign": "U   N    N    N     N    N   N   A    N    F    A    N",
    "sign": "U   N    N    N     N    N   N   A    N    F    F    N",
    "return": "U   N    N    N     N    N   N   A    N    F    F    N",
    "contact": "U   N    N    N     N    N   N   A    N    F    F    N",
    "refer": "U   N    N    N     N    N   N   A    N    F    F    N",
    "note": "U   N    N    N     N    N   N   A    N    F    A    N",
    "request_extension": "U   N    N    N     N    N   N   A    N    F    F    N",
    "decide_extension": "U   N    N    N     N    N   N   F    N    F    A    N",
    "reply": "U   N    N    N     N    N   N   A    N    F    F    N",
    "follow_up": "U   N    N    N     N    N   N   F    N    F    A    N",
    "close": "U   N    N    N     N    N   N   F    N    F    A    N",
    "merge": "U   N    N    N     N    N   N   F    N    F    A    N",
    "escalate": "U   N    N    N     N    N   N   A    N    F    A    N",
    "escalation_response": "U   N    N    N     N    N   N   F    N    F    A    N",
    "reclassify": "U   N    N    N     N    N   N   A    N    F    A    N",
    "change_urgency": "U   N    N    N     N    N   N   A    N    F    A    N",
    "legal_step": "U   N    N    N     N    N   N   A    N    F    F    N",
}
LIFECYCLE: dict[tuple[str, str], dict[str, str]] = {
    ("inside", "plain"): _INSIDE_PLAIN,
    ("inside", "protected"): _INSIDE_PROTECTED,
    ("outside", "plain"): _OUTSIDE,
    ("outside", "protected"): _OUTSIDE,
}

# How much of a concern each persona sees. Protected ones: in full only for the assigned
# handlers, the org's own chair and protection officers of the org or above; a stub for the
# rest who see the org. Leaders: de-identified, never text or people, protected or not.
VIEW: dict[tuple[str, str], str] = {
    #                        anon disp cnty chair memb sw vol avol prot lead city outm
    ("inside", "plain"): "U   V    V    V     V    V  N   V    V    D    V    N",
    ("inside", "protected"): "U   S    S    V     S    S  N   V    V    D    S    N",
    ("outside", "plain"): "U   N    N    N     N    N  N   V    N    D    V    N",
    ("outside", "protected"): "U  N    N    N     N    N  N   V    N    D    S    N",
}

# reveal_contact: someone who sees the concern in full and may act on it (handle, supervise,
# legal steps). Tested at the action level: neither the console nor the API exposes it.
REVEAL: dict[tuple[str, str], str] = {
    #                        anon disp cnty chair memb sw vol avol prot lead city outm
    ("inside", "plain"): "-   A    A    A     A    A  F   A    A    F    A    F",
    ("inside", "protected"): "-   F    F    A     F    F  F   A    A    F    F    F",
    ("outside", "plain"): "-   F    F    F     F    F  F   A    F    F    A    F",
    ("outside", "protected"): "-  F    F    F     F    F  F   A    F    F    F    F",
}

# break_glass: supervisors, social workers and protection officers who can see the org (or
# an assigned handler) open a protected concern they see only as a stub; whoever already
# sees it in full has nothing to open (X), and an ordinary concern has no glass to break.
BREAK_GLASS: dict[tuple[str, str], str] = {
    #                        anon disp cnty chair memb sw vol avol prot lead city outm
    ("inside", "plain"): "-   X    X    X     X    X  X   X    X    X    X    X",
    ("inside", "protected"): "-   A    A    X     F    A  F   X    X    F    A    F",
    ("outside", "plain"): "-   X    X    X     X    X  X   X    X    X    X    X",
    ("outside", "protected"): "-  F    F    F     F    F  F   X    F    F    A    F",
}

# The dispatch board (received concerns): open to supervisors (P: listed, H: not listed);
# a protection officer sees its danger part (issue 19: protected concerns waiting in her
# subtree, to take); 403 for everyone else.
BOARD: dict[tuple[str, str], str] = {
    #                        anon disp cnty chair memb sw vol avol prot lead city outm
    ("inside", "plain"): "U   P    P    P     F    F  F   F    H    F    P    F",
    ("inside", "protected"): "U   P    P    P     F    F  F   F    P    F    P    F",
    ("outside", "plain"): "U   H    H    H     F    F  F   F    H    F    P    F",
    ("outside", "protected"): "U  H    H    H     F    F  F   F    H    F    P    F",
}


def _row(text: str) -> dict[str, str]:
    cells = text.split()
    assert len(cells) == len(ROLES), text
    return dict(zip(ROLES, cells, strict=True))


def lifecycle(place: str, protection: str, action: str, role: str) -> str:
    return _row(LIFECYCLE[(place, protection)][action])[role]


def view(place: str, protection: str, role: str) -> str:
    return _row(VIEW[(place, protection)])[role]


def reveal(place: str, protection: str, role: str) -> str:
    return _row(REVEAL[(place, protection)])[role]


def break_glass(place: str, protection: str, role: str) -> str:
    return _row(BREAK_GLASS[(place, protection)])[role]


def board(place: str, protection: str, role: str) -> str:
    return _row(BOARD[(place, protection)])[role]


ACTIONS = tuple(_INSIDE_PLAIN)

# The state each step is tried in: one where the step is legal, so a refusal is about the role.
STATE = {
    "dispatch": "received",
    "assign": "dispatched",
    "sign": "dispatched",
    "return": "dispatched",
    "contact": "signed",
    "refer": "signed",
    "note": "signed",
    "request_extension": "signed",
    "decide_extension": "extension",
    "reply": "signed",
    "follow_up": "replied",
    "close": "replied",
    "merge": "signed",
    "escalate": "signed",
    "escalation_response": "escalated",
    "reclassify": "signed",
    "change_urgency": "signed",
    "legal_step": "signed",
}
# The timeline row an allowed step appends to the concern.
EVENT = {
    "dispatch": "dispatched",
    "assign": "assigned",
    "sign": "signed",
    "return": "returned",
    "contact": "contact",
    "refer": "referral",
    "note": "note",
    "request_extension": "extension_requested",
    "decide_extension": "extension_approved",
    "reply": "replied",
    "follow_up": "followed_up",
    "close": "closed",
    "merge": "merged",
    "escalate": "escalated",
    "escalation_response": "escalation_response",
    "reclassify": "reclassified",
    "change_urgency": "urgency_changed",
    "legal_step": "legal_step",
}

# ---------------------------------------------------------------- the world


@dataclass
class Place:
    org: Org  # the community handling the concern
    county: Org  # where it was received
    setup: User  # a dispatcher of that county, for building states
    lead: User  # the lead handler the dispatcher assigned
    extra: User  # someone in the org who is not yet a handler (for "assign")
    concerns: dict[str, Concern] = field(default_factory=dict)
    into: Concern | None = None  # an open concern to merge into


@dataclass
class Matrix:
    world: World
    users: dict[str, User | None]
    places: dict[str, Place]

    def concern(self, place: str, key: str) -> Concern:
        """A fresh copy of one concern built for the test (keyed by protection or flavour)."""
        return Concern.objects.get(pk=self.places[place].concerns[key].pk)

    def user(self, role: str) -> User:
        user = self.users[role]
        assert user is not None, role
        return user


def build_matrix() -> Matrix:
    """The personas of sanshi.testing plus a second county and an assigned volunteer."""
    world = build_world()
    yinhai = create_org(name="银海区妇联", level=Org.Level.COUNTY, parent=world.city)
    yintan = create_org(
        name="银滩社区妇联", level=Org.Level.COMMUNITY, kind=Org.Kind.RESIDENTS, parent=yinhai
    )
    users: dict[str, User | None] = {"anonymous": None}
    for role in ROLES[1:]:
        if role != "assigned_volunteer":
            users[role] = getattr(world, role)
    users["assigned_volunteer"] = make_user(
        "assigned_volunteer", role=Role.VOLUNTEER, org=world.community
    )
    places = {
        "inside": Place(
            org=world.community,
            county=world.county,
            setup=world.dispatcher,
            lead=make_user("beibuwan_lead", role=Role.SOCIAL_WORKER, org=world.community),
            extra=make_user("beibuwan_extra", role=Role.COMMITTEE_MEMBER, org=world.community),
        ),
        "outside": Place(
            org=yintan,
            county=yinhai,
            setup=make_user("yinhai_dispatcher", role=Role.DISPATCHER, org=yinhai),
            lead=make_user("yintan_lead", role=Role.COMMITTEE_MEMBER, org=yintan),
            extra=make_user("yintan_extra", role=Role.COMMITTEE_MEMBER, org=yintan),
        ),
    }
    return Matrix(world=world, users=users, places=places)


def _protection_kwargs(flavour: str) -> dict[str, Any]:
    if flavour == "urgent":
        return {"subcategory": "safety.dv_now", "text": PROTECTED_TEXT}
    if flavour == "minor":
        return {"minor_under_14": True, "guardian_consent": True, "text": PROTECTED_TEXT}
    if flavour == "marked":
        return {"text": PROTECTED_TEXT}
    return {}


def add_concern(
    m: Matrix, place: str, state: str, flavour: str = "plain", *, publish: bool = False
) -> Concern:
    """A concern with a reporter, a personal note and the assigned volunteer, in a state."""
    p = m.places[place]
    values: dict[str, Any] = {
        "publish_consent": publish,
        "text": PLAIN_TEXT,
        "channel": Channel.PHONE,
        "subcategory": "children.childcare",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "address": ADDRESS,
        **_protection_kwargs(flavour),
    }
    values["org"] = p.org if state == "received" else p.county
    concern = actions.receive_concern(**values)
    if flavour == "marked":
        actions.protect_concern(concern, actor=p.setup, reason="当事人要求保密")
    actions.add_note(concern, actor=p.setup, note=NOTE)
    actions.assign_handler(concern, person_of(m.user("assigned_volunteer")), actor=None)
    if state == "received":
        return concern
    actions.dispatch_concern(concern, p.org, actor=p.setup, handlers=[person_of(p.lead)])
    if state == "dispatched":
        return concern
    actions.sign_concern(concern, actor=p.lead)
    if state == "extension":
        assert concern.resolve_due is not None
        until = concern.resolve_due + dt.timedelta(days=5)
        actions.request_extension(concern, actor=p.lead, until=until, reason="需要协调学校")
    elif state in ("replied", "closed"):
        actions.reply_concern(concern, actor=p.lead, reply=REPLY)
        if state == "closed":
            actions.record_follow_up(concern, actor=p.setup, solved=True, satisfaction="satisfied")
    elif state == "escalated":
        assert p.org.parent is not None
        actions.escalate_concern(concern, actor=p.lead, reason="需要上级协调", to_org=p.org.parent)
    return concern


def add_merge_target(m: Matrix, place: str) -> Concern:
    """Another open concern of the same org, to merge into."""
    p = m.places[place]
    into = actions.receive_concern(
        text="同一小区另一位家长也在问儿童之家",
        channel=Channel.WEB,
        org=p.county,
        subcategory="children.childcare",
    )
    actions.dispatch_concern(into, p.org, actor=p.setup, handlers=[person_of(p.lead)])
    # The assigned volunteer sees it too, so her refusal is about the merge, not the target.
    actions.assign_handler(into, person_of(m.user("assigned_volunteer")), actor=None)
    p.into = into
    return into


# ---------------------------------------------------------------- clients


class Api:
    """A JSON client with one user's bearer token (none for the anonymous persona)."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = issue_api_token(user, name="matrix")
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def post(self, path: str, data: dict[str, Any] | None) -> Any:
        content = "" if data is None else json.dumps(data)
        return self.client.post(
            f"/api/v1{path}", content, content_type="application/json", headers=self.headers
        )


def api_clients(m: Matrix) -> dict[str, Api]:
    return {role: Api(user) for role, user in m.users.items()}


def console_clients(m: Matrix) -> dict[str, Client]:
    clients = {}
    for role, user in m.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


# ---------------------------------------------------------------- what a case checks


Snapshot = dict[str, list[Any]]
# What a refused step must leave as it was: state, place, classification, counters, clocks.
CONCERN_COLUMNS = (
    "pk",
    "status",
    "org_id",
    "urgency",
    "category",
    "subcategory",
    "protected",
    "return_count",
    "reopen_count",
    "extension_count",
    "updated_at",
    "extension_requested_until",
    "escalated_to_id",
    "escalated_department",
    "merged_into_id",
    "dispatched_at",
    "signed_at",
    "first_contact_at",
    "replied_at",
    "closed_at",
    "resolve_due",
    "satisfaction",
)
Cell = tuple[str, str, str, str]  # role, place, protection, action


def snapshot() -> Snapshot:
    """Everything a write would touch: concerns, timelines, handlers, the audit of writes."""
    return {
        "concerns": list(Concern.objects.order_by("pk").values_list(*CONCERN_COLUMNS)),
        "events": list(ConcernEvent.objects.order_by("pk").values_list("pk", "concern_id", "kind")),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "concern_id", "person_id", "role", "active"
            )
        ),
        # Reads of protected concerns and exports are audited too (the export check counts its
        # own row); writes must not add rows. The chain is append-only (sanshi audit-verify), so
        # the number and last seq of the others suffice.
        "audit": list(
            AuditEntry.objects.exclude(action__in=["concern.read", "export"])
            .aggregate(rows=Count("pk"), last=Max("seq"))
            .values()
        ),
        "legal_steps": list(LegalStep.objects.order_by("pk").values_list("pk", flat=True)),
        "break_glass": list(BreakGlassGrant.objects.order_by("pk").values_list("pk", flat=True)),
    }


def new_event_kinds(concern: Concern, before: Snapshot) -> list[str]:
    known = {row[0] for row in before["events"]}
    return [
        kind
        for pk, kind in ConcernEvent.objects.filter(concern=concern)
        .order_by("pk")
        .values_list("pk", "kind")
        if pk not in known
    ]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one case in a savepoint and undo it, so the next case starts from the same state."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def body_text(response: Any) -> str:
    """What a response shows, as text: JSON decoded (so Chinese is not \\u-escaped), sheets read."""
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    if "spreadsheetml" in content_type:
        return sheet_text(response.content)
    return response.content.decode()


def sheet_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = [
        "" if value is None else str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    return "\t".join(cells)


def leaks(text: str) -> list[str]:
    """The personal values that appear in a response body."""
    return [value for value in PERSONAL if value in text]


def local_minute(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def protection_of(flavour: str) -> str:
    return "plain" if flavour == "plain" else "protected"


def case(role: str, place: str, protection: str, **more: str) -> str:
    extra = "".join(f" {k}={v}" for k, v in more.items())
    return f"{role}/{place}/{protection}{extra}"


# ---------------------------------------------------------------- where the code disagrees


@dataclass(frozen=True)
class Known:
    """A cell where the code does not do what the table says (reported, not yet fixed).

    The matrix skips only that check of those cells; `test_matrix_known.py` runs one cell of
    each as a strict xfail, so a fix makes it pass and asks for the entry to be removed.
    """

    name: str
    way: str
    check: str  # status, leak, masked, audit
    roles: frozenset[str]
    places: frozenset[str] = frozenset(PLACES)
    protections: frozenset[str] = frozenset(PROTECTION)
    actions: frozenset[str] | None = None  # None: every action (or not an action at all)


# Empty since "dispatch_to_an_org_one_cannot_see_is_400_not_403" was fixed (the API now
# answers 403 to someone who may not dispatch the concern, before looking at the target).
KNOWN: tuple[Known, ...] = ()


def known(
    way: str, check: str, role: str, place: str, protection: str, action: str = ""
) -> Known | None:
    for k in KNOWN:
        if (
            k.way == way
            and k.check == check
            and role in k.roles
            and place in k.places
            and protection in k.protections
            and (k.actions is None or action in k.actions)
        ):
            return k
    return None


class Problems(list[str]):
    """Mismatches of one test, leaving out the known disagreements unless told not to."""

    def __init__(self, *, strict: bool = False) -> None:
        super().__init__()
        self.strict = strict

    def add(self, way: str, check: str, cell: Cell, message: str) -> None:
        role, place, protection, action = cell
        if not self.strict and known(way, check, role, place, protection, action):
            return
        self.append(f"{case(role, place, protection, action=action, way=way)}: {message}")
