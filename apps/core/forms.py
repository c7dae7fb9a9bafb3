"""Form helpers: Tabler classes on widgets and Chinese date-format messages."""

from typing import Any

from django import forms


def style_fields(form: forms.BaseForm) -> None:
    """Give every widget the Tabler class for its kind and mark invalid fields."""
    for name, field in form.fields.items():
        widget: Any = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        # `_errors` rather than `errors`: reading `errors` would validate the form now, before
        # a subclass narrows its querysets (scope) at the end of its __init__.
        validated = getattr(form, "_errors", None)
        if validated and name in validated:
            css += " is-invalid"
        widget.attrs["class"] = css
