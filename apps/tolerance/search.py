"""Full-text search of the typical-case library (Chinese).

`search_text` holds title, situation, decision, lesson and tags, normalised (NFKC, lower case) by
the services through `build_search_text`. A query is split on blanks into terms, and every term
must occur. On PostgreSQL the terms are plain `LIKE '%term%'` matches served by the pg_trgm GIN
index of migration 0002 (`icontains` would wrap the column in UPPER() and miss the index), and the
rows are ranked with trigram similarity; on SQLite (the demo) the same terms filter with
`icontains` and the newest cases come first.

Chinese has no blanks between words, so a term is matched as a substring: "项目 审批" finds a case
saying "项目建设中审批……".
"""

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet

MAX_TERMS = 8
MAX_TERM_LENGTH = 50
RANK = "search_rank"


def normalise(text: str) -> str:
    """The form text is stored and searched in: NFKC (full-width → half-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def terms_of(query: str) -> list[str]:
    """The distinct terms of a query, split on any blank (including the full-width space)."""
    terms: list[str] = []
    for term in normalise(query).split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def build_search_text(
    *, title: str, situation: str, decision: str, lesson: str, tags: Iterable[str]
) -> str:
    """What a typical case is searched by (stored in `TypicalCase.search_text`)."""
    parts = [title, situation, decision, lesson, " ".join(tags)]
    return normalise("\n".join(p.strip() for p in parts if p and p.strip()))


def uses_trigrams() -> bool:
    """PostgreSQL has pg_trgm (migration 0002); SQLite falls back to substring matching."""
    return connection.vendor == "postgresql"


def search[M: Any](queryset: QuerySet[M], query: str) -> QuerySet[M]:
    """Rows of `queryset` whose search text contains every term of `query`.

    On PostgreSQL the rows carry `search_rank` (title similarity plus the best word similarity
    of the query within the text); `order_by_rank` sorts by it."""
    terms = terms_of(query)
    if not terms:
        return queryset
    if uses_trigrams():
        for term in terms:
            queryset = queryset.filter(search_text__contains=term)
        from django.contrib.postgres.search import (  # PostgreSQL only
            TrigramSimilarity,
            TrigramWordSimilarity,
        )

        text = " ".join(terms)
        rank = TrigramSimilarity("title", text) + TrigramWordSimilarity(text, "search_text")
        return queryset.annotate(**{RANK: rank})
    for term in terms:
        queryset = queryset.filter(search_text__icontains=term)
    return queryset


def order_by_rank[M: Any](queryset: QuerySet[M], *then: str) -> QuerySet[M]:
    """Best matches first where the rows are ranked (PostgreSQL search), then `then`."""
    if RANK in queryset.query.annotations:
        return queryset.order_by(F(RANK).desc(nulls_last=True), *then)
    return queryset.order_by(*then)
