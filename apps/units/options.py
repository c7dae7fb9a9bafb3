"""Unit selects of edit forms and filters: the top levels of a scope's tree, indented."""

from django.db.models import QuerySet

from apps.units.models import Unit

UNIT_OPTION_LEVELS = 2  # levels below the actor's top unit offered in unit selects
MAX_UNIT_OPTIONS = 300


def unit_options(units: QuerySet[Unit], keep: list[int] | None = None) -> list[tuple[int, str]]:
    """(id, indented name) of the top levels of `units`, plus the units in `keep` (already
    chosen ones lying deeper), so a select never lists a whole city's tree."""
    top = units.order_by("depth").values_list("depth", flat=True).first()
    if top is None:
        return []
    near = units.filter(depth__lte=top + UNIT_OPTION_LEVELS).order_by("path")
    rows = list(near.values_list("pk", "name", "depth")[:MAX_UNIT_OPTIONS])
    shown = {pk for pk, _, _ in rows}
    extra = [pk for pk in keep or [] if pk not in shown]
    if extra:
        rows += list(units.filter(pk__in=extra).values_list("pk", "name", "depth"))
    return [(pk, "　" * max(depth - top, 0) + name) for pk, name, depth in rows]
