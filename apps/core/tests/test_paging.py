"""The id-first paginator: same pages as Django's, the total from the page query itself."""

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


def test_valid_page_needs_two_queries(units):
    with CaptureQueriesContext(connection) as queries:
        page = IdFirstPaginator(units, 10).get_page("2")
        assert page.paginator.count == 23 and len(page.object_list) == 10
    assert len(queries) == 2  # ids with COUNT(*) OVER (), then the rows; no separate COUNT


def test_empty_list(db):
    page = IdFirstPaginator(Unit.objects.none(), 10).get_page("1")
    assert page.paginator.count == 0 and list(page) == []
