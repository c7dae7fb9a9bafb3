"""Form helpers shared by every app: Tabler classes on widgets, Chinese date-format messages,
and a service's DomainError shown under the fields it names."""

from typing import Any

from django import forms

from .exceptions import DomainError

DATE_INVALID = "请输入有效日期，格式为 2026-11-25"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style_fields(form: forms.BaseForm) -> None:
    """Give every widget the Tabler class for its kind and mark invalid fields."""
    # `_errors` rather than `errors`: reading `errors` would validate the form now, before a
    # subclass narrows its querysets (scope) at the end of its __init__.
    validated = getattr(form, "_errors", None) or {}
    for name, field in form.fields.items():
        widget: Any = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css + (" is-invalid" if name in validated else "")


class StyledFormMixin:
    """Mix into a Form or ModelForm: styled widgets, Chinese date messages, DomainError display."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        for field in form.fields.values():
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = DATE_INVALID
        style_fields(form)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        style_fields(self)  # type: ignore[arg-type]

    def add_domain_error(self, exc: DomainError) -> None:
        """Put the service's field messages under their fields, the rest at the top."""
        form: Any = self
        placed = False
        for name, message in exc.fields.items():
            if name in form.fields:
                form.add_error(name, message)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        style_fields(form)
