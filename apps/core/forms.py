"""Form helpers shared by every app: Tabler classes on widgets, Chinese date-format messages,
and a service's DomainError shown under the fields it names."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404

from .exceptions import DomainError, OutOfScopeError, StaleVersionError

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


def submit(form: Any, action: Callable[[], object]) -> int | None:
    """Run a service call for a posted form: None when it succeeded; otherwise the status to
    show the form again with (400 invalid or refused, 409 changed by someone else), the reason
    under the field it names. Out of scope becomes 404, never a hint that the record exists."""
    if not form.is_valid():
        return 400
    try:
        action()
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    except StaleVersionError as exc:
        form.add_error(None, exc.message)
        return 409
    except DomainError as exc:
        form.add_domain_error(exc)
        return 400
    return None
