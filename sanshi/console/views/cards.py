"""Members' cards (亮牌) from the console: a chair issues, reissues, revokes and prints the
cards of her 执委; every change is an action with its audit row."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import NotFound
from sanshi.intake.access import access_card, access_card_membership, card_memberships_for
from sanshi.intake.actions import issue_member_card, reissue_member_card, revoke_member_card
from sanshi.intake.models import MemberCard

PRINT_SIZES = ("a6", "phone")


def _back(membership_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("console:cards") + f"#member-{membership_id}")


@require_GET
@console_view
def cards(request: ConsoleRequest) -> HttpResponse:
    members = list(card_memberships_for(request.user))
    rows = []
    for m in members:
        history = list(m.cards.all())
        active = next((c for c in history if c.active), None)
        rows.append({"m": m, "card": active, "retired": sum(1 for c in history if not c.active)})
    return page(request, "console/cards.html", {"rows": rows})


@require_POST
@console_view
def issue(request: ConsoleRequest, pk: int) -> HttpResponse:
    membership = access_card_membership(request.user, pk)
    card = issue_member_card(membership, actor=request.user)
    messages.success(request, _("已为 %(name)s 发放名片。") % {"name": membership.person.name})
    return HttpResponseRedirect(reverse("console:card_print", args=[card.pk]))


@require_POST
@console_view
def reissue(request: ConsoleRequest, pk: int) -> HttpResponse:
    membership = access_card_membership(request.user, pk)
    card = reissue_member_card(
        membership, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(
        request,
        _("已为 %(name)s 补发新名片，旧名片的二维码已停用。") % {"name": membership.person.name},
    )
    return HttpResponseRedirect(reverse("console:card_print", args=[card.pk]))


@require_POST
@console_view
def revoke(request: ConsoleRequest, pk: int) -> HttpResponse:
    card = access_card(request.user, pk)
    revoke_member_card(card, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("%(name)s 的名片已停用。") % {"name": card.membership.person.name})
    return _back(card.membership_id)


def card_url(request: ConsoleRequest, card: MemberCard) -> str:
    """The public address the card's QR code opens: the report page that names the member."""
    return request.build_absolute_uri(reverse("intake-card", args=[card.code]))


@require_GET
@console_view
def print_card(request: ConsoleRequest, pk: int) -> HttpResponse:
    card = access_card(request.user, pk)
    if not card.active:
        raise NotFound("this card was revoked")
    size = request.GET.get("size", "a6")
    size = size if size in PRINT_SIZES else "a6"
    url = card_url(request, card)
    membership = card.membership
    org = membership.org
    return render(
        request,
        "console/card_print.html",
        {
            "card": card,
            "size": size,
            "sizes": PRINT_SIZES,
            "url": url,
            "qr_svg": qr_svg(url),
            "person_name": membership.person.name,
            "community": org.name,
            "township": org.parent.name if org.parent is not None else "",
            "role": membership.get_role_display(),
            "helps_with": membership.helps_with,
        },
    )


def qr_svg(url: str) -> str:
    """The card's QR code as inline SVG (error correction M, as on the public print page)."""
    svg: str = segno.make(url, error="m").svg_inline(border=2, omitsize=True)
    return svg
