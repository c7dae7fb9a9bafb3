"""Helpers shared by the cadre services."""

from typing import Any

from apps.cadres import rules
from apps.cadres.models import Cadre
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.scope import Action


def raise_problems(problems: list[rules.Problem]) -> None:
    if problems:
        fields: dict[str, str] = {}
        for p in problems:
            fields[p.field] = f"{fields[p.field]}；{p.message}" if p.field in fields else p.message
        raise DomainError(
            "；".join(p.message for p in problems), code="invalid_record", fields=fields
        )


def cadre_for_change(actor: Any, cadre_id: int, *, include_deleted: bool = False) -> Cadre:
    """The cadre locked for an update, if the actor may change it; else OutOfScopeError."""
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE, include_deleted=include_deleted)
        .select_for_update()
        .filter(pk=cadre_id)
        .first()
    )
    if cadre is None:
        raise OutOfScopeError()
    return cadre
