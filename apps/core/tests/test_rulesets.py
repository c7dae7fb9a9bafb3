"""Rule parameters: the value in force on a date, who may set one, and the 规则参数 page."""

from datetime import date

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.core import rulesets
from apps.core.exceptions import DomainError
from apps.core.models import AuditEvent, RuleParameter

KEY = "frontline.first_secretary_term_months"  # FRONT-2, declared by the frontline app

pytestmark = pytest.mark.django_db


def test_default_until_a_local_value_takes_effect(officer_city):
    assert rulesets.param(KEY, date(2026, 1, 1)) == 24
    rulesets.param_set(
        actor=officer_city, key=KEY, value=18, effective_from=date(2026, 3, 1), source="本地文件"
    )
    assert rulesets.param(KEY, date(2026, 2, 28)) == 24
    assert rulesets.param(KEY, date(2026, 3, 1)) == 18  # on the effective date itself


def test_latest_effective_value_wins_and_history_is_kept(officer_city):
    for value, start in ((18, date(2025, 1, 1)), (30, date(2026, 1, 1))):
        rulesets.param_set(
            actor=officer_city, key=KEY, value=value, effective_from=start, source="文件"
        )
    assert rulesets.param(KEY, date(2025, 12, 31)) == 18
    assert rulesets.param(KEY, date(2026, 6, 1)) == 30
    assert [r.value for r in rulesets.history(KEY)] == [30, 18]
    assert AuditEvent.objects.filter(action="rule_param.set").count() == 2


@pytest.mark.parametrize(("value", "ok"), [(11, False), (12, True), (36, True), (37, False)])
def test_value_must_lie_in_the_declared_range(officer_city, value, ok):
    kwargs = {"actor": officer_city, "key": KEY, "value": value, "effective_from": date(2026, 1, 1)}
    if ok:
        rulesets.param_set(**kwargs, source="文件")
    else:
        with pytest.raises(DomainError):
            rulesets.param_set(**kwargs, source="文件")


def test_only_an_officer_over_a_whole_tree_may_set(officer_a, officer_city, leader_a):
    assert rulesets.may_set(officer_city)
    for actor in (officer_a, leader_a):
        assert not rulesets.may_set(actor)
        with pytest.raises(DomainError):
            rulesets.param_set(
                actor=actor, key=KEY, value=20, effective_from=date(2026, 1, 1), source="x"
            )
    assert not RuleParameter.objects.exists()


def test_page_lists_parameters_and_sets_a_value(client, officer_city):
    client.force_login(officer_city)
    page = client.get("/rules/")
    assert "驻村第一书记、工作队员最短任期" in page.content.decode() and page.context["form"]
    response = client.post(
        "/rules/",
        {"key": KEY, "value": 9, "effective_from": "2026-01-01", "source": "文件"},
    )
    assert response.status_code == 200 and "不能小于12个月" in response.content.decode()
    response = client.post(
        "/rules/",
        {"key": KEY, "value": 20, "effective_from": "2026-01-01", "source": "本地文件第三条"},
    )
    assert response.status_code == 302
    assert rulesets.param(KEY, date(2026, 2, 1)) == 20


def test_page_is_read_only_for_county_officers_and_closed_to_sysadmin(client, officer_a):
    client.force_login(officer_a)
    assert client.get("/rules/").context["form"] is None
    client.post("/rules/", {"key": KEY, "value": 20, "effective_from": "2026-01-01", "source": "x"})
    assert not RuleParameter.objects.exists()
    client.force_login(UserFactory(role=Role.SYSADMIN))
    assert client.get("/rules/").status_code == 403
