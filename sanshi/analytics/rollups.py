"""Filling the rollups from the lifecycle events, incrementally, and checking them.

Each concern touched by an event past the watermark is read again with its timeline; what it
contributes now (`contributions`) is compared with what it contributed last time (its
`ConcernTally`), and only the difference is added to `RollupCount`. The metrics follow the
formulas of docs/lifecycle.md, anchored on the day (local time) the formula counts them:

received and its funnel (signed, replied, rated ever), repeats and back-and-forth returns on
the day the concern came in; dispatched / responded (and for danger concerns) on the day of
the first dispatch; rated / solved / satisfied on the day of the latest rating; closed, closed
on time, closed after a rating, reopened, closed unrated on the day it closed; dispatches,
returns, replies, reopenings within 30 days of a reply and approved extensions on the day of
their event (dispatches and returns at the org of the event, as the 退单率 counts them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanshi.analytics.models import ConcernTally, RollupCount, RollupMonth, RollupWatermark
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Satisfaction, Urgency
from sanshi.core import clock
from sanshi.core.crypto import blind_index
from sanshi.orgs.models import Org

WATERMARK = "events"
# Events whose transaction committed after a later one's (ids are handed out before the
# commit) would fall behind the watermark: each run reads the last MARGIN ids again.
# Reading a concern again changes nothing when nothing changed.
MARGIN = 500
BATCH = 2000
REPEAT_WINDOW = dt.timedelta(days=30)
REOPEN_WINDOW = dt.timedelta(days=30)

# Concern fields the contributions need (no sealed field but the address is read).
FIELDS = (
    "id",
    "org_id",
    "category",
    "channel",
    "sanshi",
    "urgency",
    "received_at",
    "first_dispatched_at",
    "signed_at",
    "sign_due",
    "first_contact_at",
    "contact_due",
    "replied_at",
    "closed_at",
    "resolve_due",
    "rated_at",
    "solved",
    "satisfaction",
    "reopen_count",
    "return_count",
    "reporter_phone_index",
    "address",
)
EVENT_KINDS = (
    EventKind.DISPATCHED,
    EventKind.RETURNED,
    EventKind.SIGNED,
    EventKind.REPLIED,
    EventKind.REOPENED,
    EventKind.EXTENSION_APPROVED,
)

Key = tuple[str, int, str, str, str, str]  # metric, org id, day, category, channel, sanshi


class M:
    """Metric names."""

    RECEIVED = "received"
    RECEIVED_SIGNED = "received_signed"
    RECEIVED_REPLIED = "received_replied"
    RECEIVED_RATED = "received_rated"
    REPEAT = "repeat"
    BACK_AND_FORTH = "back_and_forth"
    DISPATCHED = "dispatched"
    RESPONDED = "responded"
    DANGER_DISPATCHED = "danger_dispatched"
    DANGER_RESPONDED = "danger_responded"
    RATED = "rated"
    SOLVED = "solved"
    RATED_SATISFACTION = "rated_satisfaction"
    SATISFIED = "satisfied"
    CLOSED = "closed"
    CLOSED_DUE = "closed_due"
    CLOSED_ON_TIME = "closed_on_time"
    CLOSED_RATED = "closed_rated"
    CLOSED_REOPENED = "closed_reopened"
    CLOSED_UNRATED = "closed_unrated"
    DISPATCH_EVENTS = "dispatch_events"
    RETURN_EVENTS = "return_events"
    REPLIES = "replies"
    REOPENED_30D = "reopened_30d"
    EXTENSIONS = "extensions"


@dataclass
class Row:
    """A concern as the contributions read it."""

    concern: Concern
    events: list[ConcernEvent]
    address_index: str
    repeat: bool = False


def local_day(at: dt.datetime) -> str:
    return timezone.localtime(at).date().isoformat()


def address_index(address: str) -> str:
    normalised = "".join(address.split()).lower()
    return blind_index(normalised, "address") if normalised else ""


def contributions(row: Row) -> Counter[Key]:
    """What the concern adds to the rollups as it stands now."""
    c = row.concern
    out: Counter[Key] = Counter()

    def add(metric: str, at: dt.datetime | None, org_id: int | None = None) -> None:
        if at is not None:
            org = org_id if org_id is not None else c.org_id
            out[(metric, org, local_day(at), c.category, c.channel, c.sanshi)] += 1

    kinds = {e.kind for e in row.events}
    add(M.RECEIVED, c.received_at)
    if EventKind.SIGNED in kinds:
        add(M.RECEIVED_SIGNED, c.received_at)
    if EventKind.REPLIED in kinds:
        add(M.RECEIVED_REPLIED, c.received_at)
    if c.rated_at is not None:
        add(M.RECEIVED_RATED, c.received_at)
    if row.repeat:
        add(M.REPEAT, c.received_at)
    if c.return_count >= 2:
        add(M.BACK_AND_FORTH, c.received_at)
    _dispatch_metrics(c, add)
    _rating_metrics(c, add)
    _closing_metrics(c, add)
    last_reply: dt.datetime | None = None
    for e in row.events:
        if e.kind == EventKind.DISPATCHED:
            add(M.DISPATCH_EVENTS, e.at, e.org_id)
        elif e.kind == EventKind.RETURNED:
            add(M.RETURN_EVENTS, e.at, e.org_id)
        elif e.kind == EventKind.REPLIED:
            add(M.REPLIES, e.at)
            last_reply = e.at
        elif e.kind == EventKind.REOPENED:
            if last_reply is not None and e.at - last_reply <= REOPEN_WINDOW:
                add(M.REOPENED_30D, e.at)
        elif e.kind == EventKind.EXTENSION_APPROVED:
            add(M.EXTENSIONS, e.at)
    return out


def _dispatch_metrics(c: Concern, add) -> None:  # type: ignore[no-untyped-def]
    if c.first_dispatched_at is None:
        return
    responded = (
        c.signed_at is not None
        and c.sign_due is not None
        and c.signed_at <= c.sign_due
        and c.first_contact_at is not None
        and c.contact_due is not None
        and c.first_contact_at <= c.contact_due
    )
    add(M.DISPATCHED, c.first_dispatched_at)
    if responded:
        add(M.RESPONDED, c.first_dispatched_at)
    if c.urgency == Urgency.CRITICAL:
        add(M.DANGER_DISPATCHED, c.first_dispatched_at)
        if responded:
            add(M.DANGER_RESPONDED, c.first_dispatched_at)


def _rating_metrics(c: Concern, add) -> None:  # type: ignore[no-untyped-def]
    if c.rated_at is None:
        return
    if c.solved is not None:
        add(M.RATED, c.rated_at)
        if c.solved:
            add(M.SOLVED, c.rated_at)
    if c.satisfaction:
        add(M.RATED_SATISFACTION, c.rated_at)
        if c.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC):
            add(M.SATISFIED, c.rated_at)


def _closing_metrics(c: Concern, add) -> None:  # type: ignore[no-untyped-def]
    if c.closed_at is None:
        return
    add(M.CLOSED, c.closed_at)
    if c.resolve_due is not None:
        add(M.CLOSED_DUE, c.closed_at)
        if c.replied_at is not None and c.replied_at <= c.resolve_due:
            add(M.CLOSED_ON_TIME, c.closed_at)
    if c.rated_at is not None:
        add(M.CLOSED_RATED, c.closed_at)
        if c.reopen_count > 0:
            add(M.CLOSED_REOPENED, c.closed_at)
    else:
        add(M.CLOSED_UNRATED, c.closed_at)


# ---------------------------------------------------------------- reading concerns


def load_rows(concern_ids: Iterable[int]) -> list[Row]:
    """The concerns with their counted events, address indexes and repeat flags (5 queries)."""
    ids = sorted(set(concern_ids))
    if not ids:
        return []
    concerns = list(Concern.objects.filter(pk__in=ids).only(*FIELDS).order_by("pk"))
    events: dict[int, list[ConcernEvent]] = defaultdict(list)
    for e in (
        ConcernEvent.objects.filter(concern_id__in=ids, kind__in=EVENT_KINDS)
        .only("id", "concern_id", "kind", "at", "org_id")
        .order_by("at", "pk")
    ):
        events[e.concern_id].append(e)
    rows = [Row(c, events[c.pk], address_index(c.address)) for c in concerns]
    _mark_repeats(rows)
    return rows


def _mark_repeats(rows: list[Row]) -> None:
    """A repeat: another concern with the same phone (blind index) or address came in within
    the 30 days before this one."""
    if not rows:
        return
    low = min(r.concern.received_at for r in rows) - REPEAT_WINDOW
    high = max(r.concern.received_at for r in rows)
    seen: dict[tuple[str, str], list[tuple[int, dt.datetime]]] = defaultdict(list)
    phones = {r.concern.reporter_phone_index for r in rows} - {""}
    for pk, phone, at in Concern.objects.filter(
        reporter_phone_index__in=phones, received_at__gte=low, received_at__lte=high
    ).values_list("pk", "reporter_phone_index", "received_at"):
        seen[("phone", phone)].append((pk, at))
    addresses = {r.address_index for r in rows} - {""}
    batch = {r.concern.pk for r in rows}
    for pk, index, at in ConcernTally.objects.filter(
        address_index__in=addresses,
        concern__received_at__gte=low,
        concern__received_at__lte=high,
    ).values_list("concern_id", "address_index", "concern__received_at"):
        if pk not in batch:
            seen[("address", index)].append((pk, at))
    for r in rows:
        if r.address_index:
            seen[("address", r.address_index)].append((r.concern.pk, r.concern.received_at))
    for r in rows:
        c = r.concern
        keys = [("phone", c.reporter_phone_index), ("address", r.address_index)]
        r.repeat = any(
            pk != c.pk and c.received_at - REPEAT_WINDOW <= at < c.received_at
            for key in keys
            if key[1]
            for pk, at in seen.get(key, ())
        )


# ---------------------------------------------------------------- refreshing


@dataclass
class RefreshResult:
    events: int = 0
    concerns: int = 0
    changed_cells: int = 0
    watermark: int = 0


def refresh(*, batch: int = BATCH, limit: int | None = None) -> RefreshResult:
    """Fold every event past the watermark into the rollups, a batch per transaction.

    Safe to run twice at once: each batch holds the watermark row's lock from reading it to
    moving it, so a second run waits and then starts after the first one's last batch."""
    result = RefreshResult()
    first = True
    while limit is None or result.events < limit:
        done = _refresh_batch(batch, result, margin=MARGIN if first else 0)
        first = False
        if done:
            break
    return result


@transaction.atomic
def _refresh_batch(batch: int, result: RefreshResult, *, margin: int) -> bool:
    mark = _locked_watermark()
    new = list(
        ConcernEvent.objects.filter(pk__gt=mark.last_event_id)
        .order_by("pk")
        .values_list("pk", "concern_id")[:batch]
    )
    again = ConcernEvent.objects.filter(
        pk__gt=max(mark.last_event_id - margin, 0), pk__lte=mark.last_event_id
    ).values_list("concern_id", flat=True)
    touched = {concern for _, concern in new} | (set(again) if margin else set())
    result.concerns += len(touched)
    result.changed_cells += apply(load_rows(touched))
    if new:
        mark.last_event_id = new[-1][0]
        mark.updated_at = clock.now()
        mark.save(update_fields=["last_event_id", "updated_at"])
        result.events += len(new)
    result.watermark = mark.last_event_id
    return len(new) < batch


def _locked_watermark() -> RollupWatermark:
    RollupWatermark.objects.get_or_create(name=WATERMARK)
    return RollupWatermark.objects.select_for_update().get(name=WATERMARK)


def apply(rows: list[Row]) -> int:
    """Replace each concern's old contribution by its new one; the number of cells changed.
    Runs under the watermark lock."""
    if not rows:
        return 0
    old = {
        t.concern_id: t.contributions
        for t in ConcernTally.objects.filter(concern_id__in=[r.concern.pk for r in rows])
    }
    delta: Counter[Key] = Counter()
    tallies = []
    for r in rows:
        new = contributions(r)
        delta.update(new)
        delta.subtract(_counter(old.get(r.concern.pk, [])))
        tallies.append(
            ConcernTally(
                concern_id=r.concern.pk,
                contributions=[[*k, n] for k, n in sorted(new.items())],
                address_index=r.address_index,
            )
        )
    ConcernTally.objects.bulk_create(
        tallies,
        update_conflicts=True,
        unique_fields=["concern"],
        update_fields=["contributions", "address_index"],
    )
    changed = {k: n for k, n in delta.items() if n}
    by_month = subtree_months(changed)
    _add_counts({k: n for k, n in by_month.items() if n}, RollupMonth, "month")
    return _add_counts(changed, RollupCount, "day")


def subtree_months(delta: Mapping[Key, int], day_len: int = 8, suffix: str = "01") -> Counter[Key]:
    """The counts by month at the org and at every org above it (subtree totals): a city's
    dashboard reads its own cells and its children's, however many communities it has."""
    paths = dict(Org.objects.filter(pk__in={k[1] for k in delta}).values_list("pk", "path"))
    out: Counter[Key] = Counter()
    for (m, org, day, cat, ch, s), n in delta.items():
        month = day[:day_len] + suffix
        for ancestor in paths.get(org, f"/{org}/").strip("/").split("/"):
            out[(m, int(ancestor), month, cat, ch, s)] += n
    return out


def _counter(stored: list[list[object]]) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for m, org, day, cat, ch, s, n in stored:
        out[(str(m), int(org), str(day), str(cat), str(ch), str(s))] += int(n)  # type: ignore[call-overload]
    return out


def _add_counts(delta: dict[Key, int], model: type[RollupCount | RollupMonth], when: str) -> int:
    """Add the differences to the counts: the cells touched are read (per org, its days: the
    unique index serves it) and written back with one upsert per thousand cells."""
    if not delta:
        return 0
    days_of: dict[int, set[str]] = defaultdict(set)
    for key in delta:
        days_of[key[1]].add(key[2])
    keys = list(days_of.items())
    existing: dict[Key, int] = {}
    for i in range(0, len(keys), 200):
        where = Q(pk__in=[])
        for org, days in keys[i : i + 200]:
            where |= Q(org_id=org, **{f"{when}__in": sorted(days)})
        for r in model.objects.filter(where, metric__in={k[0] for k in delta}).values_list(
            "metric", "org_id", when, "category", "channel", "sanshi", "value"
        ):
            existing[(r[0], r[1], r[2].isoformat(), r[3], r[4], r[5])] = r[6]
    rows = [
        model(
            org_id=org,
            category=cat,
            channel=ch,
            sanshi=s,
            metric=m,
            value=existing.get((m, org, day, cat, ch, s), 0) + n,
            **{when: dt.date.fromisoformat(day)},
        )
        for (m, org, day, cat, ch, s), n in delta.items()
    ]
    model.objects.bulk_create(
        rows,  # type: ignore[arg-type]
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["org", when, "metric", "category", "channel", "sanshi"],
        update_fields=["value"],
    )
    return len(rows)


def rebuild_all() -> RefreshResult:
    """Forget the rollups and fold every event in again (the backfill)."""
    with transaction.atomic():
        mark = _locked_watermark()
        RollupCount.objects.all().delete()
        RollupMonth.objects.all().delete()
        ConcernTally.objects.all().delete()
        mark.last_event_id = 0
        mark.save(update_fields=["last_event_id"])
    return refresh()


# ---------------------------------------------------------------- checking


def _period_concerns(start: dt.datetime, end: dt.datetime) -> set[int]:
    """Concerns that may count on a day of [start, end)."""
    span = Q()
    for field in ("received_at", "first_dispatched_at", "rated_at", "closed_at"):
        span |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    ids = set(Concern.objects.filter(span).values_list("pk", flat=True))
    ids |= set(
        ConcernEvent.objects.filter(at__gte=start, at__lt=end, kind__in=EVENT_KINDS).values_list(
            "concern_id", flat=True
        )
    )
    return ids


def rebuilt(start: dt.date, end: dt.date) -> Counter[Key]:
    """The counts of the days [start, end) computed afresh from the concerns and events."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    hi = dt.datetime.combine(end, dt.time(), tzinfo=tz)
    ids = sorted(_period_concerns(lo, hi))
    total: Counter[Key] = Counter()
    for i in range(0, len(ids), BATCH):
        for row in load_rows(ids[i : i + BATCH]):
            total.update(
                {
                    k: n
                    for k, n in contributions(row).items()
                    if start.isoformat() <= k[2] < end.isoformat()
                }
            )
    return total


def stored(start: dt.date, end: dt.date) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for r in RollupCount.objects.filter(day__gte=start, day__lt=end).exclude(value=0):
        out[(r.metric, r.org_id, r.day.isoformat(), r.category, r.channel, r.sanshi)] += r.value
    return out


def stored_months(months: list[str]) -> Counter[Key]:
    """The monthly counts of the months given (as "YYYY-MM"), keyed with the month."""
    out: Counter[Key] = Counter()
    firsts = [dt.date.fromisoformat(f"{m}-01") for m in months]
    for r in RollupMonth.objects.filter(month__in=firsts).exclude(value=0):
        out[(r.metric, r.org_id, f"{r.month:%Y-%m}", r.category, r.channel, r.sanshi)] += r.value
    return out


def check(start: dt.date, end: dt.date) -> dict[Key, tuple[int, int]]:
    """Cells where the rollups differ from a rebuild: key -> (stored, rebuilt). The daily
    cells of [start, end), and the monthly ones (day shown as YYYY-MM) of the months inside."""
    with transaction.atomic():
        _locked_watermark()  # a consistent view: no refresh in between
        fresh, have = rebuilt(start, end), stored(start, end)
        months = _whole_months(start, end)
        in_months = {k: n for k, n in fresh.items() if k[2][:7] in months}
        fresh.update(subtree_months(in_months, day_len=7, suffix=""))
        have.update(stored_months(sorted(months)))
    return {k: (have[k], fresh[k]) for k in set(fresh) | set(have) if have[k] != fresh[k]}


def _whole_months(start: dt.date, end: dt.date) -> set[str]:
    out: set[str] = set()
    d = start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    while True:
        following = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if following > end:
            return out
        out.add(f"{d:%Y-%m}")
        d = following
