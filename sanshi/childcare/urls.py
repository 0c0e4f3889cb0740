from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.childcare import views

app_name = "childcare"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("places/<int:pk>/", views.place, name="place"),
    path("places/<int:pk>/enroll/", views.enroll, name="enroll"),
    path("children/<int:pk>/", views.child, name="child"),
    path("children/<int:pk>/sign-in/", views.child_sign_in, name="sign_in"),
    path("children/<int:pk>/sign-out/", views.child_sign_out, name="sign_out"),
    path("children/<int:pk>/excuse/", views.child_excuse, name="excuse"),
    path("children/<int:pk>/collectors/", views.collector_add, name="collector_add"),
    path("collectors/<int:pk>/remove/", views.collector_remove, name="collector_remove"),
]
