from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.network import pwa, roster_views, views

app_name = "network"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/close/", views.household_close, name="household_close"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/sync/", pwa.sync_visit, name="visit_sync"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/concern/", views.visit_raise, name="visit_raise"),
    path("roster/", roster_views.roster, name="roster"),
    path("roster/terms/", roster_views.roster_term, name="roster_term"),
    path("roster/terms/<int:term_id>/seats/", roster_views.roster_seat, name="roster_seat"),
    path("roster/seats/<int:seat_id>/leave/", roster_views.roster_leave, name="roster_leave"),
    path("directory/consent/", roster_views.directory_consent, name="consent"),
    path("directory/<int:org_id>/", roster_views.public_directory, name="directory"),
]
