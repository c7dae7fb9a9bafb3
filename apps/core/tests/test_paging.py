"""The id-first paginator gives the same pages as Django's, with a fixed number of queries."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.paging import IdFirstPaginator
from apps.units.models import Unit
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    for n in range(23):
        UnitFactory(name=f"单位{n:02d}")
    return Unit.objects.order_by("-name", "id")


@pytest.mark.parametrize("number", ["1", "2", "3", "99", "x", "0", None])
def test_pages_match_djangos_paginator(units, number):
    ours = IdFirstPaginator(units, 10).get_page(number)
    theirs = Paginator(units, 10).get_page(number)
    assert [u.pk for u in ours] == [u.pk for u in theirs]
    assert ours.number == theirs.number
    assert ours.paginator.count == 23 and ours.paginator.num_pages == 3


def test_a_page_needs_three_queries(units):
    with CaptureQueriesContext(connection) as queries:
        page = IdFirstPaginator(units, 10).get_page("2")
        assert page.paginator.count == 23 and len(page.object_list) == 10
    # COUNT, the page of ids, the rows. A COUNT(*) OVER () on the ids query was tried and made
    # PostgreSQL abandon the ordered-index plans (docs/benchmarks.md).
    assert len(queries) == 3


def test_empty_list(db):
    page = IdFirstPaginator(Unit.objects.none(), 10).get_page("1")
    assert page.paginator.count == 0 and list(page) == []
