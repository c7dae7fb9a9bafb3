"""Promotions: planning judges eligibility and records the verdict; confirming needs the 任前公示,
passes the frontline-quota what-if and writes the record through the cadre services."""

from datetime import date

import pytest
from django.urls import reverse

from apps.accounts.models import ManagedBy
from apps.cadres.constants import RankGrade
from apps.cadres.models import Appointment, RankRecord
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.frontline.tests.factories import FrontlineServiceFactory
from apps.selection.constants import PromotionKind, PromotionStatus, QuotaEnforcement
from apps.selection.models import FrontlineQuota, Probation, Promotion
from apps.selection.services import promotions as services
from apps.selection.tests.factories import PromotionBatchFactory, PublicityFactory
from apps.units.constants import Tier, UnitLevel

DECIDED = date(2026, 11, 2)


def section_chief(city, *, since=date(2020, 3, 1), frontline=False, **kwargs):
    """A 县管 乡科级正职 in county A's township since `since` (grassroots), bachelor, 2000 start."""
    fields = {
        "unit": city.county_a_town,
        "managed_by": ManagedBy.COUNTY,
        "work_start_date": date(2000, 7, 1),
        "highest_education": "bachelor",
        "tier": Tier.SECTION_PRINCIPAL,
    }
    cadre = CadreFactory(**{**fields, **kwargs})
    post = PostFactory(
        unit=city.county_a_town, title=f"镇长{cadre.pk}", tier=Tier.SECTION_PRINCIPAL
    )
    Appointment.objects.create(cadre=cadre, post=post, start_date=since)
    if frontline:
        FrontlineServiceFactory(cadre=cadre, start_date=date(2021, 1, 1), end_date=date(2023, 1, 1))
    return cadre


def plan(actor, cadre, post, **kw):
    data = services.PlanInput(
        cadre_id=cadre.pk,
        kind=kw.pop("kind", PromotionKind.PROMOTE),
        decision_date=kw.pop("decision_date", DECIDED),
        post_id=post.pk if post else None,
        **kw,
    )
    return services.promotion_plan(actor=actor, data=data)


@pytest.fixture
def deputy_post(city):
    return PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.DIVISION_DEPUTY)


def test_plan_records_the_verdict_and_the_frontline_fact(city, officer_a, deputy_post):
    cadre = section_chief(city, frontline=True)
    promotion = plan(officer_a, cadre, deputy_post)
    assert promotion.status == PromotionStatus.PLANNED
    assert promotion.eligible and promotion.verdict["eligible"] is True
    assert promotion.frontline is True and promotion.frontline_months >= 24
    assert promotion.from_tier == Tier.SECTION_PRINCIPAL
    assert promotion.unit_level == UnitLevel.COUNTY
    assert promotion.verdict["params"]["selection.min_work_years"] == 5
    assert AuditEvent.objects.filter(action="selection.promotion.plan").count() == 1


def test_plan_is_refused_with_every_failing_rule_named(city, officer_a, deputy_post):
    # Two years and eight months as 乡科级正职 on the decision day: ELG-8-3 needs three.
    cadre = section_chief(city, since=date(2024, 3, 1), highest_education="secondary")
    with pytest.raises(DomainError) as exc:
        plan(officer_a, cadre, deputy_post)
    assert "ELG-8-3" in exc.value.message and "ELG-8-4" in exc.value.message
    assert not Promotion.objects.exists()


def test_a_lateral_move_is_not_a_promotion(city, officer_a):
    cadre = section_chief(city)
    same = PostFactory(unit=city.county_a_dept, title="科长", tier=Tier.SECTION_PRINCIPAL)
    with pytest.raises(DomainError, match="不属于提拔"):
        plan(officer_a, cadre, same)
    exchange = plan(officer_a, cadre, same, kind=PromotionKind.EXCHANGE)
    assert exchange.kind == PromotionKind.EXCHANGE


def test_other_county_cannot_plan_or_confirm(city, officer_a, deputy_post):
    from apps.accounts.tests.factories import UserFactory, grant

    officer_b = UserFactory(username="officer_b")
    grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
    cadre = section_chief(city)
    with pytest.raises(OutOfScopeError):
        plan(officer_b, cadre, deputy_post)
    promotion = plan(officer_a, cadre, deputy_post)
    with pytest.raises(OutOfScopeError):
        services.promotion_confirm(
            actor=officer_b, promotion_id=promotion.pk, version=1, start_date=DECIDED
        )


def test_confirm_needs_a_finished_publicity(city, officer_a, deputy_post):
    promotion = plan(officer_a, section_chief(city), deputy_post)
    with pytest.raises(DomainError, match="任前公示"):
        services.promotion_confirm(
            actor=officer_a, promotion_id=promotion.pk, version=1, start_date=date(2026, 11, 20)
        )
    PublicityFactory(promotion=promotion, outcome="pending")
    with pytest.raises(DomainError, match="任前公示"):
        services.promotion_confirm(
            actor=officer_a, promotion_id=promotion.pk, version=1, start_date=date(2026, 11, 20)
        )


def test_confirm_writes_the_appointment_ends_the_old_post_and_opens_probation(
    city, officer_a, deputy_post
):
    cadre = section_chief(city)
    promotion = plan(officer_a, cadre, deputy_post, doc_no="甲组干〔2026〕12号")
    PublicityFactory(promotion=promotion, outcome="no_objection")
    start = date(2026, 11, 20)
    services.promotion_confirm(
        actor=officer_a, promotion_id=promotion.pk, version=1, start_date=start
    )
    promotion.refresh_from_db()
    cadre.refresh_from_db()
    assert promotion.status == PromotionStatus.CONFIRMED and promotion.confirmed_on == start
    assert promotion.appointment.post == deputy_post
    old = Appointment.objects.get(cadre=cadre, post__tier=Tier.SECTION_PRINCIPAL)
    assert old.end_date == date(2026, 11, 19)
    assert cadre.tier == Tier.DIVISION_DEPUTY
    probation = Probation.objects.get(promotion=promotion)
    assert probation.start_date == start
    with pytest.raises(DomainError):  # confirmed once, never twice
        services.promotion_confirm(
            actor=officer_a, promotion_id=promotion.pk, version=2, start_date=start
        )


def test_stale_confirm_is_refused(city, officer_a, deputy_post):
    promotion = plan(officer_a, section_chief(city), deputy_post)
    PublicityFactory(promotion=promotion, outcome="no_objection")
    with pytest.raises(StaleVersionError):
        services.promotion_confirm(
            actor=officer_a, promotion_id=promotion.pk, version=0, start_date=DECIDED
        )


def test_rank_promotion_writes_a_rank_record(city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    RankRecord.objects.create(
        cadre=cadre, rank_grade=RankGrade.PRINCIPAL_STAFF_2, start_date=date(2022, 1, 1)
    )
    cadre.rank_grade = RankGrade.PRINCIPAL_STAFF_2
    cadre.save()
    promotion = plan(
        officer_a, cadre, None, kind=PromotionKind.RANK, target_rank=RankGrade.PRINCIPAL_STAFF_1
    )
    PublicityFactory(promotion=promotion, outcome="no_objection", working_days=5)
    services.promotion_confirm(
        actor=officer_a, promotion_id=promotion.pk, version=1, start_date=date(2026, 12, 1)
    )
    cadre.refresh_from_db()
    assert cadre.rank_grade == RankGrade.PRINCIPAL_STAFF_1
    assert RankRecord.objects.get(cadre=cadre, rank_grade=RankGrade.PRINCIPAL_STAFF_2).end_date == (
        date(2026, 11, 30)
    )


def _quota(city, percent, enforcement):
    return FrontlineQuota.objects.create(
        unit=city.county_a,
        unit_level=UnitLevel.COUNTY,
        min_percent=percent,
        enforcement=enforcement,
        effective_from=date(2026, 1, 1),
        source="昭通示例",
    )


def _batch_of(city, officer, posts_and_cadres):
    batch = PromotionBatchFactory(unit=city.county_a, decision_date=DECIDED)
    for cadre, post in posts_and_cadres:
        p = plan(officer, cadre, post, batch_id=batch.pk)
        PublicityFactory(promotion=p, outcome="no_objection")
    return batch


def test_a_blocking_quota_stops_a_batch_that_lowers_the_share(city, officer_a):
    _quota(city, 80, QuotaEnforcement.BLOCK)
    posts = [PostFactory(unit=city.county_a_dept, title=f"副局长{i}") for i in range(2)]
    batch = _batch_of(
        city,
        officer_a,
        [(section_chief(city, frontline=True), posts[0]), (section_chief(city), posts[1])],
    )
    with pytest.raises(DomainError, match="低于规定比例"):
        services.batch_confirm(
            actor=officer_a, batch_id=batch.pk, version=1, start_date=date(2026, 11, 20)
        )
    assert not Promotion.objects.filter(status=PromotionStatus.CONFIRMED).exists()
    assert not Appointment.objects.filter(post__in=posts).exists()  # nothing half-written


def test_a_warning_quota_needs_a_reason_then_confirms_all(city, officer_a):
    _quota(city, 80, QuotaEnforcement.WARN)
    posts = [PostFactory(unit=city.county_a_dept, title=f"副局长{i}") for i in range(2)]
    batch = _batch_of(
        city,
        officer_a,
        [(section_chief(city, frontline=True), posts[0]), (section_chief(city), posts[1])],
    )
    with pytest.raises(DomainError) as exc:
        services.batch_confirm(
            actor=officer_a, batch_id=batch.pk, version=1, start_date=date(2026, 11, 20)
        )
    assert "override_reason" in exc.value.fields
    services.batch_confirm(
        actor=officer_a,
        batch_id=batch.pk,
        version=1,
        start_date=date(2026, 11, 20),
        override_reason="专业岗位急需",
    )
    assert Promotion.objects.filter(status=PromotionStatus.CONFIRMED).count() == 2
    batch.refresh_from_db()
    assert batch.confirmed_at and batch.quota_override_reason == "专业岗位急需"


def test_a_frontline_only_batch_is_never_stopped(city, officer_a):
    _quota(city, 80, QuotaEnforcement.BLOCK)
    post = PostFactory(unit=city.county_a_dept, title="副局长")
    batch = _batch_of(city, officer_a, [(section_chief(city, frontline=True), post)])
    services.batch_confirm(
        actor=officer_a, batch_id=batch.pk, version=1, start_date=date(2026, 11, 20)
    )
    assert Promotion.objects.get().status == PromotionStatus.CONFIRMED


def test_pages_plan_detail_and_quota_panel(client, city, officer_a, deputy_post):
    _quota(city, 80, QuotaEnforcement.WARN)
    cadre = section_chief(city, frontline=True)
    client.force_login(officer_a)
    url = reverse("selection:promotion_plan") + f"?cadre={cadre.pk}&post={deputy_post.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "登记拟任" in page.content.decode()
    response = client.post(
        reverse("selection:promotion_plan"),
        {
            "cadre": cadre.pk,
            "kind": "promote",
            "post": deputy_post.pk,
            "decision_date": "2026-11-02",
        },
    )
    promotion = Promotion.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("selection:promotion_detail", args=[promotion.pk])).content.decode()
    assert "任职资格审查" in detail and "发起任前公示" in detail and "1/1" in detail
    panel = client.get(reverse("selection:quota_panel") + "?year=2026").content.decode()
    assert "0/0" in panel and "1/1" in panel  # none confirmed, one planned
    listing = client.get(reverse("selection:promotion_list") + "?year=2026&frontline=1")
    assert cadre.name in listing.content.decode()


def test_pages_of_another_county_are_404(client, city, officer_a, deputy_post):
    from apps.accounts.tests.factories import UserFactory, grant

    promotion = plan(officer_a, section_chief(city), deputy_post)
    officer_b = UserFactory(username="officer_b")
    grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
    client.force_login(officer_b)
    assert client.get(reverse("selection:promotion_detail", args=[promotion.pk])).status_code == 404
    plan_url = reverse("selection:promotion_plan") + f"?cadre={promotion.cadre_id}"
    assert client.get(plan_url).status_code == 404
    confirm = reverse("selection:promotion_confirm", args=[promotion.pk])
    assert client.post(confirm, {"version": 1, "start_date": "2026-11-20"}).status_code == 404
    listing = client.get(reverse("selection:promotion_list")).content.decode()
    assert promotion.cadre.name not in listing


def test_a_promoted_reserve_cadre_leaves_the_pool_of_that_tier(city, officer_a, deputy_post):
    from apps.selection.tests.factories import ReserveEntryFactory, ReservePoolFactory

    cadre = section_chief(city)
    pool = ReservePoolFactory(unit=city.county_a, target_tier=Tier.DIVISION_DEPUTY)
    other = ReservePoolFactory(unit=city.county_a, target_tier=Tier.DIVISION_PRINCIPAL)
    entry = ReserveEntryFactory(pool=pool, cadre=cadre)
    kept = ReserveEntryFactory(pool=other, cadre=cadre)
    promotion = plan(officer_a, cadre, deputy_post)
    PublicityFactory(promotion=promotion, outcome="no_objection")
    services.promotion_confirm(
        actor=officer_a, promotion_id=promotion.pk, version=1, start_date=date(2026, 11, 20)
    )
    entry.refresh_from_db()
    kept.refresh_from_db()
    assert entry.exit_date == date(2026, 11, 20) and entry.exit_reason == "promoted"
    assert kept.exit_date is None


def test_batch_page_shows_the_whatif_and_confirms(client, city, officer_a):
    _quota(city, 80, QuotaEnforcement.WARN)
    posts = [PostFactory(unit=city.county_a_dept, title=f"副局长{i}") for i in range(2)]
    batch = _batch_of(
        city,
        officer_a,
        [(section_chief(city, frontline=True), posts[0]), (section_chief(city), posts[1])],
    )
    client.force_login(officer_a)
    url = reverse("selection:batch_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "1/2" in page and "须说明理由" in page
    refused = client.post(url, {"version": 1, "start_date": "2026-11-20", "end_current": "on"})
    assert refused.status_code == 400 and "请填写仍要确认的理由" in refused.content.decode()
    done = client.post(
        url,
        {
            "version": 1,
            "start_date": "2026-11-20",
            "end_current": "on",
            "override_reason": "专业岗位急需",
        },
    )
    assert done.status_code == 302
    assert Promotion.objects.filter(status=PromotionStatus.CONFIRMED).count() == 2
