from __future__ import annotations

from django.urls import URLPattern, re_path
from django.views.generic import RedirectView

from sanshi.intake.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns: list[URLPattern] = [
    re_path(
        r"^$",
        RedirectView.as_view(url="discovery.xml", permanent=False),
        name="open311-root",
    ),
    re_path(r"^discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, views.service_list, name="open311-services"),
    re_path(r"^services/(?P<code>[^/]+)" + FMT, views.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, views.requests_collection, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)" + FMT, views.request_detail, name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, views.token_detail, name="open311-token"),
    re_path(r"^servicerequestupdates" + FMT, views.request_updates, name="open311-updates"),
    re_path(r"^(?P<rest>.*?)" + FMT, views.unknown),
    re_path(r"^(?P<rest>.*)$", views.unknown, {"fmt": "xml"}),
]
