from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.views.i18n import set_language

from sanshi.console.views import (
    account,
    calls,
    cards,
    concern,
    dispatch,
    home,
    notifications,
    search,
)

app_name = "console"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("me/", account.profile, name="profile"),
    path("language/", set_language, name="set_language"),
    path("c/<int:pk>/", concern.concern_page, name="concern"),
    path("c/<int:pk>/duplicates/", concern.concern_duplicates, name="duplicates"),
    path("c/<int:pk>/act/<slug:name>/", concern.concern_act, name="act"),
    path("c/<int:pk>/reveal/<slug:field>/", concern.reveal, name="reveal"),
    path("c/<int:pk>/break-glass/", concern.break_glass, name="break_glass"),
    path("dispatch/", dispatch.board, name="dispatch"),
    path("dispatch/bulk/", dispatch.bulk, name="dispatch_bulk"),
    path("dispatch/handlers/", dispatch.handler_options, name="handler_options"),
    path("dispatch/<int:pk>/accept/", dispatch.accept, name="dispatch_accept"),
    path("dispatch/<int:pk>/", dispatch.dispatch_one, name="dispatch_one"),
    path("call/", calls.take_call, name="call"),
    path("call/history/", calls.call_history, name="call_history"),
    path("call/triage/", calls.call_triage, name="call_triage"),
    path("search/", search.search, name="search"),
    path("search/export.xlsx", search.export, name="export"),
    path("search/filters/", search.save_filter, name="save_filter"),
    path("search/filters/<int:pk>/delete/", search.delete_filter, name="delete_filter"),
    path("notifications/", notifications.centre, name="notifications"),
    path("cards/", cards.cards, name="cards"),
    path("cards/member/<int:pk>/issue/", cards.issue, name="card_issue"),
    path("cards/member/<int:pk>/reissue/", cards.reissue, name="card_reissue"),
    path("cards/<int:pk>/revoke/", cards.revoke, name="card_revoke"),
    path("cards/<int:pk>/print/", cards.print_card, name="card_print"),
    path("notifications/<int:pk>/open/", notifications.open_one, name="notification_open"),
    path("notifications/read-all/", notifications.read_all, name="notifications_read_all"),
]
