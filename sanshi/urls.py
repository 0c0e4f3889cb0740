from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from sanshi.core.metrics import metrics
from sanshi.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("sanshi.accounts.urls")),
    path("api/v1/", include("sanshi.api.urls")),
    path("console/dashboard/", include("sanshi.analytics.urls")),
    path("console/answers/", include("sanshi.answers.urls")),
    path("console/", include("sanshi.attachments.urls")),
    path("console/", include("sanshi.console.urls")),
    path("network/", include("sanshi.network.urls")),
    path("volunteers/", include("sanshi.volunteers.urls")),
    path("childcare/", include("sanshi.childcare.urls")),
    path("honours/", include("sanshi.honours.urls")),
    path("agencies/", include("sanshi.agencies.urls")),
    path("duties/", include("sanshi.duties.urls")),
    path("enterprises/", include("sanshi.enterprises.urls")),
    path("places/", include("sanshi.places.urls")),
    path("", include("sanshi.triage.urls")),
    path("", include("sanshi.messaging.urls")),
    path("", include("sanshi.intake.urls")),
]

# While the database is away every page answers 503 with the emergency numbers (core.views).
handler500 = "sanshi.core.views.server_error"
