"""The form a writer fills in; the rules live in sanshi.answers.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.answers.models import BODY_MAX, TITLE_MAX, AnswerKind
from sanshi.concerns.taxonomy import category_choices
from sanshi.orgs.models import Org


class AnswerForm(forms.Form):
    org = forms.ChoiceField(label=_("所属组织"))
    category = forms.ChoiceField(label=_("事项分类"))
    kind = forms.ChoiceField(label=_("类型"), choices=AnswerKind.choices)
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("答复内容"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
        help_text=_("简短、准确：政策依据、去哪里办、找谁、电话。不写任何个人信息。"),
    )
    public = forms.BooleanField(label=_("公开：居民在反映页选这一类时可以看到"), required=False)

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in orgs}
        org_field: Any = self.fields["org"]
        org_field.choices = [(o.pk, o.name) for o in orgs]
        category_field: Any = self.fields["category"]
        category_field.choices = category_choices()

    def chosen_org(self) -> Org:
        return self.orgs[str(self.cleaned_data["org"])]
