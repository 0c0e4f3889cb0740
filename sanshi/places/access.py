"""Access helpers: the only way staff pages load places, activities and sign-ups.

Chairs, vice chairs, staff and dispatchers of the owning org (or an org above it) run its
places and activities; a place's managers run that place and its activities. Missing and
forbidden both raise NotFound. Volunteers and leaders run nothing here.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.orgs.models import Org
from sanshi.places.models import Activity, Place, SignUp

User = AuthUser | AnonymousUser
MANAGE_ROLES = perm.SUPERVISOR_ROLES


def manage_paths(user: User) -> list[str]:
    return [g.org_path for g in perm.grants(user) if g.role in MANAGE_ROLES]


def may_run_org(user: User, org: Org) -> bool:
    """Whether the user runs this org's places and activities (a role at or above it)."""
    return perm.holds_at_or_above(perm.grants(user), org, MANAGE_ROLES)


def may_run_place(user: User, place: Place) -> bool:
    if may_run_org(user, place.org):
        return True
    return user.is_authenticated and place.managers.filter(pk=user.pk).exists()


def may_see_figures(user: User, grants: list[perm.Grant] | None = None) -> bool:
    """Who may open the monthly figures (/places/staff/figures/): those who run an org's
    places (MANAGE_ROLES at some org) and the managers of a place. `grants` saves a query
    where the caller holds them already (the console's viewer)."""
    if not user.is_authenticated:
        return False
    held = perm.grants(user) if grants is None else grants
    if any(g.role in MANAGE_ROLES for g in held):
        return True
    return Place.objects.filter(managers=user).exists()


def _under(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def places_run_by(user: User) -> QuerySet[Place]:
    if not user.is_authenticated:
        return Place.objects.none()
    condition = _under(manage_paths(user), "org") | Q(managers=user)
    ids = Place.objects.filter(condition).values("pk")
    return Place.objects.filter(pk__in=ids).select_related("org", "division")


def activities_run_by(user: User) -> QuerySet[Activity]:
    if not user.is_authenticated:
        return Activity.objects.none()
    condition = _under(manage_paths(user), "org") | Q(place__managers=user)
    ids = Activity.objects.filter(condition).values("pk")
    return Activity.objects.filter(pk__in=ids).select_related("org", "place")


def access_place(user: User, place_id: int) -> Place:
    place = places_run_by(user).filter(pk=place_id).first()
    if place is None:
        raise NotFound("no such place")
    return place


def access_activity(user: User, activity_id: int) -> Activity:
    activity = activities_run_by(user).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound("no such activity")
    return activity


def access_signup_by_code(user: User, code: str) -> SignUp:
    """A sign-up by the code on the resident's QR code, for staff who run its activity."""
    signup = (
        SignUp.objects.filter(code=code, activity__in=activities_run_by(user).values("pk"))
        .select_related("activity")
        .first()
    )
    if signup is None:
        raise NotFound("no such sign-up")
    return signup


def orgs_to_run(user: User) -> list[Org]:
    """Orgs the user may create places and activities for (her own, not those below)."""
    ids = [int(p.strip("/").split("/")[-1]) for p in manage_paths(user) if p.strip("/")]
    return list(Org.objects.filter(pk__in=ids).order_by("depth", "name"))
