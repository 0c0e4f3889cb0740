"""The Django admin's own titles, in the reader's language (Django translates the rest)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("三事 · 系统管理")
admin.site.site_title = _("三事 · 系统管理")
admin.site.index_title = _("系统设置与记录")
