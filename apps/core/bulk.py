"""Bulk reads of cadre facts: many cadres per query, without thousands of bound parameters."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

CHUNK = 2000  # ids per query when the caller passes a list (bound parameters stay few)

CadreIds = Iterable[int] | QuerySet[Any]


def id_batches(cadre_ids: CadreIds) -> Iterator[Any]:
    """What to put after `cadre_id__in=`: a queryset of cadres becomes one subquery (a screening
    of 50,000 cadres is then one query per fact, not 25 with 2,000 parameters each); a list of
    ids is cut into chunks."""
    if isinstance(cadre_ids, QuerySet):
        yield cadre_ids.values("pk")
        return
    ids = sorted(set(cadre_ids))
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]
