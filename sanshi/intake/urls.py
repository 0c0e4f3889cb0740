from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from sanshi.intake import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="intake-home"),
    path("exit/", views.quick_exit, name="intake-exit"),
    path("report/", views.report, name="intake-report"),
    path("report/done/", views.done, name="intake-done"),
    path("track/", views.track_lookup, name="intake-track-lookup"),
    path("track/<str:code>/", views.track, name="intake-track"),
    path("m/<str:code>/", views.member_card, name="intake-card"),
    path("m/<str:code>/print/", views.member_card_print, name="intake-card-print"),
    path("m/<str:code>/qr.svg", views.member_card_qr, name="intake-card-qr"),
    path("open311/v2/", include("sanshi.intake.open311.urls")),
    # The language switch (set_language); harmless if the site URLconf adds it too.
    path("i18n/", include("django.conf.urls.i18n")),
]
