from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.volunteers import views

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    path("join/", views.join, name="join"),
    path("join/done/", views.joined, name="joined"),
    path("me/", views.me, name="me"),
    path("me/forget/", views.forget_me, name="forget_me"),
    path("me/certificates/<str:number>.pdf", views.my_certificate, name="my_certificate"),
    path("verify/", views.verify_lookup, name="verify"),
    path("verify/<str:token>/", views.verify_token, name="verify_token"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/teams/", views.staff_new_team, name="staff_new_team"),
    path("staff/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/<int:pk>/", views.staff_volunteer, name="staff_volunteer"),
    path("staff/<int:pk>/review/", views.staff_review, name="staff_review"),
    path("staff/<int:pk>/service/", views.staff_service, name="staff_service"),
    path("staff/<int:pk>/team/", views.staff_team, name="staff_team"),
    path("staff/<int:pk>/certificate/", views.staff_issue, name="staff_issue"),
    path("staff/service/<int:rid>/confirm/", views.staff_confirm, name="staff_confirm"),
    path("staff/service/<int:rid>/correct/", views.staff_correct, name="staff_correct"),
    path("staff/certificates/<int:cid>.pdf", views.staff_certificate, name="staff_certificate"),
]
