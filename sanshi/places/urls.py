from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.places import views

app_name = "places"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.place_page, name="place"),
    path("<int:pk>/calendar.ics", views.place_feed, name="feed"),
    path("photos/<int:pk>.jpg", views.place_photo, name="photo"),
    path("activities/<int:pk>/", views.activity_page, name="activity"),
    path("signup/<str:code>/", views.signup_page, name="signup"),
    path("signup/<str:code>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("signup/<str:code>/feedback/", views.signup_feedback, name="signup_feedback"),
    path("door/<str:token>/", views.door, name="door"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/new/", views.staff_new_place, name="staff_new_place"),
    path("staff/figures/", views.staff_figures, name="staff_figures"),
    path("staff/<int:pk>/", views.staff_place, name="staff_place"),
    path("staff/<int:pk>/edit/", views.staff_place_edit, name="staff_place_edit"),
    path("staff/<int:pk>/hours/", views.staff_hours, name="staff_hours"),
    path("staff/<int:pk>/managers/", views.staff_managers, name="staff_managers"),
    path("staff/<int:pk>/photos/", views.staff_photo, name="staff_photo"),
    path(
        "staff/<int:pk>/photos/<int:photo_id>/remove/",
        views.staff_photo_remove,
        name="staff_photo_remove",
    ),
    path("staff/activities/new/", views.staff_new_activity, name="staff_new_activity"),
    path("staff/activities/<int:pk>/", views.staff_activity, name="staff_activity"),
    path("staff/activities/<int:pk>/door/", views.staff_door, name="staff_door"),
    path(
        "staff/activities/<int:pk>/cancel/",
        views.staff_cancel_activity,
        name="staff_cancel_activity",
    ),
    path(
        "staff/activities/<int:pk>/change/",
        views.staff_change_activity,
        name="staff_change_activity",
    ),
    path(
        "staff/activities/<int:pk>/checkin/<int:signup_id>/",
        views.staff_check_in,
        name="staff_check_in",
    ),
    path("staff/activities/<int:pk>/duty/", views.staff_duty, name="staff_duty"),
    path(
        "staff/activities/<int:pk>/duty/<int:duty_id>/hours/",
        views.staff_duty_hours,
        name="staff_duty_hours",
    ),
    path("staff/scan/<str:code>/", views.staff_scan, name="staff_scan"),
]
