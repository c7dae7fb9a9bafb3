"""Template helpers for cadre pages: ages in 周岁, sort links that keep the filters."""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.cadres.rules import age_on

register = template.Library()


@register.filter
def age(birth: date | None) -> str:
    return "" if birth is None else str(age_on(birth, timezone.localdate()))


@register.simple_tag
def sort_link(key: str, label: str, current: str, base_query: str) -> SafeString:
    """A column header that toggles ascending/descending and shows the direction."""
    if current == key:
        target, arrow, state = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        target, arrow, state = key, " ▼", "descending"
    else:
        target, arrow, state = key, "", "none"
    sep = "&" if base_query else ""
    return format_html(
        '<a href="?{}{}sort={}" hx-get="?{}{}sort={}" hx-target="#cadre-results" '
        'hx-push-url="true" aria-sort="{}">{}{}</a>',
        base_query,
        sep,
        target,
        base_query,
        sep,
        target,
        state,
        label,
        arrow,
    )


@register.simple_tag
def select_options(options: list[tuple[str, str, bool]]) -> SafeString:
    """<option>s of a filter select in one pass; values and labels arrive escaped
    (views/filter_form.py), so hundreds of units cost a string join."""
    return mark_safe(  # noqa: S308 - every part was escaped by filter_form
        "".join(
            f'<option value="{value}"{" selected" if on else ""}>{label}</option>'
            for value, label, on in options
        )
    )
