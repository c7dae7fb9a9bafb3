"""规则参数: the rule parameters in force (rules.md id, status, default, local value and history),
and the form a locality's officer uses to set a new value from a date on."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import rulesets
from .exceptions import DomainError
from .forms import DATE_WIDGET, StyledFormMixin
from .roles import role_required


class ParamForm(StyledFormMixin, forms.Form):
    key = forms.ChoiceField(label="参数")
    value = forms.IntegerField(label="取值")
    effective_from = forms.DateField(label="生效日期", widget=DATE_WIDGET)
    source = forms.CharField(label="依据（文件名称及条款）", max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key: Any = self.fields["key"]
        key.choices = [(k, s.label) for k, s in sorted(rulesets.REGISTRY.items())]


@role_required("officer", "leader")
def rule_param_list(request: HttpRequest) -> HttpResponse:
    today: date = timezone.localdate()
    can_set = rulesets.may_set(request.user)
    form = ParamForm(request.POST or None, initial={"effective_from": today})
    if request.method == "POST" and can_set and form.is_valid():
        try:
            rulesets.param_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "规则参数已设置，自生效日期起适用")
            return redirect("rules:rule_param_list")
    context = {
        "params": rulesets.overview(today),
        "form": form if can_set else None,
        "today": today,
        "breadcrumbs": [("系统设置", None), ("规则参数", None)],
    }
    return render(request, "core/rule_params.html", context)
