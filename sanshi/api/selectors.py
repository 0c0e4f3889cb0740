"""Reads the API makes on top of the access helpers: filters, pages, redaction in bulk."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.api.models import ApiToken
from sanshi.concerns.access import concerns_visible_to, in_full_q
from sanshi.concerns.models import Concern
from sanshi.concerns.permissions import grants
from sanshi.core import keyset
from sanshi.core.refcache import ReferenceCache
from sanshi.core.types import User
from sanshi.orgs.models import Membership, Org, Person, Role
from sanshi.orgs.selectors import roles_of_user

# Tokens as checked, with their users' roles: forgotten when any of these is saved here or a
# token is revoked here (actions.revoke_api_token), kept CREDENTIALS_SECONDS otherwise.
credentials = ReferenceCache(
    "api-credentials",
    ApiToken,
    AuthUser,
    Person,
    Membership,
    Org,
    seconds_setting="CREDENTIALS_SECONDS",
    keep_none=False,
)


def hash_token(raw: str) -> str:
    """The stored form of a token (a token has 256 random bits, so no salt or slow hash)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _active_token(key_hash: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        grants(token.user)  # kept on the user object, so copies of it carry the roles
    return token


def active_token(raw: str) -> ApiToken | None:
    """The unrevoked token of an active user with this value, its user's roles loaded.

    Checked in the database at most every CREDENTIALS_SECONDS per process. The token and its
    user are shared by the process: read them only, and give a request `request_user(token)`.
    """
    key_hash = hash_token(raw)
    return credentials.get(key_hash, lambda: _active_token(key_hash))


def request_user(token: ApiToken) -> AuthUser:
    """The token's user for one request: a copy, so that what a request keeps on its user
    (Django's permission cache, ...) stays with that request; the roles come along."""
    return copy.copy(token.user)


@dataclass(frozen=True)
class ConcernFilters:
    status: Sequence[str] = ()
    category: str = ""
    subcategory: str = ""
    org: Org | None = None
    urgency: Sequence[str] = ()
    overdue: bool | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    q: str = ""


def fully_visible_ids(user: User, concerns: Iterable[Concern]) -> set[int]:
    """Ids among these concerns that the user sees in full (one query at most)."""
    ids = [c.pk for c in concerns]
    if not ids:
        return set()
    return set(Concern.objects.filter(in_full_q(user), pk__in=ids).values_list("pk", flat=True))


def filtered_concerns(user: User, f: ConcernFilters) -> QuerySet[Concern]:
    """The concerns the user may see that match the filters, newest first."""
    qs = concerns_visible_to(user)
    if f.status:
        qs = qs.filter(status__in=list(f.status))
    if f.category:
        qs = qs.filter(category=f.category)
    if f.subcategory:
        qs = qs.filter(subcategory=f.subcategory)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.urgency:
        qs = qs.filter(urgency__in=list(f.urgency))
    if f.overdue is not None:
        qs = qs.filter(overdue_since__isnull=not f.overdue)
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=f.received_from)
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=f.received_to)
    if f.q:
        qs = qs.filter(_text_search(f.q))
    return qs.order_by(*CONCERN_ORDER)


def _text_search(q: str) -> Q:
    # Text is sealed at rest; `search_text` holds keyed hashes of its words only while a
    # concern is not protected (sanshi.concerns.search). Protected ones are found by code.
    from sanshi.concerns.search import text_matches

    return Q(tracking_code=q.upper()) | text_matches(q)


CONCERN_ORDER = ("-received_at", "-pk")


def page_of_concerns(
    qs: QuerySet[Concern], cursor: str, limit: int
) -> tuple[list[Concern], str | None]:
    """One page after the cursor, and the cursor of the next page (None at the end)."""
    return keyset.page(qs, CONCERN_ORDER, cursor, limit, scope="api.concerns")


def orgs_visible_to(user: User) -> QuerySet[Org]:
    """The subtrees of the orgs where the user holds a role (volunteers: their own org)."""
    condition = Q(pk__in=[])
    for membership in roles_of_user(user):
        if membership.role == Role.VOLUNTEER:
            condition |= Q(pk=membership.org_id)
        else:
            condition |= Q(path__startswith=membership.org.path)
    return Org.objects.filter(condition).order_by("pk")


def visible_org(user: User, org_id: int) -> Org | None:
    return orgs_visible_to(user).filter(pk=org_id).first()
