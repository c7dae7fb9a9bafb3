"""Template helpers for cadre pages: ages in 周岁, sort links that keep the filters."""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from apps.cadres.rules import age_on
from apps.core.lists import sort_header

register = template.Library()


@register.filter
def age(birth: date | None) -> str:
    return "" if birth is None else str(age_on(birth, timezone.localdate()))


@register.simple_tag
def sort_link(key: str, label: str, current: str, base_query: str) -> SafeString:
    """A column header that toggles ascending/descending and shows the direction."""
    return sort_header(key, label, current, base_query, "#cadre-results")


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
