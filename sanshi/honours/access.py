"""Access helpers for studios, nominations and typical cases.

Staff, chairs and vice-chairs of an org handle the nominations and cases of their org's
subtree; a studio's page is kept by them and by the place's managers. Missing and
forbidden both raise NotFound. The public sees only the roll and published cases.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.honours.models import Nomination, Studio, TypicalCase
from sanshi.orgs.models import Org, Role
from sanshi.places.models import Place, PlaceKind

User = AuthUser | AnonymousUser

HONOURS_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})


def _under(user: User, field: str) -> Q | None:
    """Rows whose org lies in the subtree of an org where the user handles honours."""
    paths = [g.org_path for g in perm.grants(user) if g.role in HONOURS_ROLES]
    if not paths:
        return None
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def handles_org(user: User, org: Org) -> bool:
    """Whether the user handles honours for this org (hers or one below)."""
    return any(
        g.role in HONOURS_ROLES and org.path.startswith(g.org_path) for g in perm.grants(user)
    )


def nominations_visible_to(user: User) -> QuerySet[Nomination]:
    condition = _under(user, "org") if user.is_authenticated else None
    if condition is None:
        return Nomination.objects.none()
    return Nomination.objects.filter(condition).select_related("org")


def access_nomination(user: User, nomination_id: int) -> Nomination:
    found = nominations_visible_to(user).filter(pk=nomination_id).first()
    if found is None:
        raise NotFound("no such nomination")
    return found


def cases_visible_to(user: User) -> QuerySet[TypicalCase]:
    condition = _under(user, "org") if user.is_authenticated else None
    if condition is None:
        return TypicalCase.objects.none()
    return TypicalCase.objects.filter(condition).select_related("org", "concern")


def access_case(user: User, case_id: int) -> TypicalCase:
    found = cases_visible_to(user).filter(pk=case_id).first()
    if found is None:
        raise NotFound("no such case")
    return found


def keeps_studio(user: User, studio: Studio) -> bool:
    """Managers of the studio's place, and those handling honours for its org."""
    if not user.is_authenticated:
        return False
    manages = studio.place.managers.filter(pk=int(user.pk or 0)).exists()
    return manages or handles_org(user, studio.place.org)


def studio_places_kept_by(user: User) -> QuerySet[Place]:
    """Open 三八红旗手工作室 places whose page the user keeps (managers, honours staff above)."""
    if not user.is_authenticated:
        return Place.objects.none()
    condition = Q(managers=user)
    under = _under(user, "org")
    if under is not None:
        condition |= under
    ids = Place.objects.filter(condition, kind=PlaceKind.STUDIO, closed_at__isnull=True)
    return Place.objects.filter(pk__in=ids.values("pk")).select_related("org")


def access_studio_place(user: User, place_id: int) -> Place:
    found = studio_places_kept_by(user).filter(pk=place_id).first()
    if found is None:
        raise NotFound("no such studio")
    return found
