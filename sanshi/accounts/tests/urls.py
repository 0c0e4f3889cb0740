"""The site's URLs plus /accounts/, until sanshi/urls.py includes it itself."""

from __future__ import annotations

from django.urls import include, path

from sanshi.urls import urlpatterns as site

included = any(getattr(p, "namespace", None) == "accounts" for p in site)
urlpatterns = site if included else [path("accounts/", include("sanshi.accounts.urls")), *site]
