"""The locality's method: versions (drafts editable, published immutable, new versions copied,
effective dates in order), `method_in_force` at its boundaries and up the unit path, and who reads
and writes it (services and pages)."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.core.scope import Pillar
from apps.tolerance.constants import ListKind
from apps.tolerance.models import ToleranceList, ToleranceMethod
from apps.tolerance.selectors_library import (
    MethodFilters,
    method_compare,
    method_get,
    method_in_force,
    method_list,
    method_previous,
    method_status,
)
from apps.tolerance.services.methods import (
    PUBLISHED_IMMUTABLE,
    ItemInput,
    MethodInput,
    list_item_add,
    list_item_delete,
    list_item_update,
    method_create,
    method_delete,
    method_new_version,
    method_publish,
    method_update,
    publish_problems,
)
from apps.tolerance.tests.factories import ToleranceListFactory, ToleranceMethodFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(actor, unit, **changes) -> ToleranceMethod:
    data = {
        "unit_id": unit.pk,
        "title": "甲县党政干部容错纠错办法",
        "version_label": "2026年版",
        "interpretation": "本办法所称容错，是指……",
    }
    data.update(changes)
    return method_create(actor=actor, data=MethodInput(**data))


def complete(actor, method, positives=("Z1",), negatives=("F1",)) -> ToleranceMethod:
    for code in positives:
        list_item_add(
            actor=actor,
            method_id=method.pk,
            data=ItemInput(ListKind.POSITIVE, code, f"正面情形{code}"),
        )
    for code in negatives:
        list_item_add(
            actor=actor,
            method_id=method.pk,
            data=ItemInput(ListKind.NEGATIVE, code, f"负面情形{code}"),
        )
    return method


def published(unit, effective_from, **kwargs) -> ToleranceMethod:
    """A published version made directly (for the selector tests)."""
    method = ToleranceMethodFactory(
        unit=unit, effective_from=effective_from, published_at=timezone.now(), **kwargs
    )
    ToleranceListFactory(method=method, kind=ListKind.POSITIVE, code="Z1")
    ToleranceListFactory(method=method, kind=ListKind.NEGATIVE, code="F1")
    return method


class TestPublishRule:
    def test_complete_version(self):
        assert (
            publish_problems(
                positives=1,
                negatives=1,
                interpretation="释义",
                effective_from=date(2026, 1, 1),
                previous_from=date(2026, 1, 1),
            )
            == {}
        )

    def test_every_problem_named(self):
        problems = publish_problems(
            positives=0, negatives=0, interpretation=" ", effective_from=None, previous_from=None
        )
        assert set(problems) == {"interpretation", "positive", "negative", "effective_from"}

    @pytest.mark.parametrize(
        ("effective", "ok"),
        [(date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2026, 1, 2), True)],
    )
    def test_effective_date_not_before_previous(self, effective, ok):
        problems = publish_problems(
            positives=1,
            negatives=1,
            interpretation="释义",
            effective_from=effective,
            previous_from=date(2026, 1, 1),
        )
        assert ("effective_from" not in problems) is ok
        if not ok:
            assert "2026-01-01" in problems["effective_from"]


class TestMethodServices:
    def test_create_edit_publish_audited(self, tol_officer_a, city):
        method = draft(tol_officer_a, city.county_a)
        assert not method.is_published and method.created_by == tol_officer_a
        method_update(
            actor=tol_officer_a,
            method_id=method.pk,
            data=MethodInput(city.county_a.pk, "甲县容错纠错办法（试行）", "2026年版", "释义"),
        )
        complete(tol_officer_a, method)
        method = method_publish(
            actor=tol_officer_a, method_id=method.pk, effective_from=date(2026, 3, 1)
        )
        assert method.is_published and method.published_by == tol_officer_a
        assert method.effective_from == date(2026, 3, 1)
        actions = list(
            AuditEvent.objects.filter(action__startswith="tolerance.method")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == [
            "tolerance.method.create",
            "tolerance.method.update",
            "tolerance.method_item.add",
            "tolerance.method_item.add",
            "tolerance.method.publish",
        ]
        event = AuditEvent.objects.get(action="tolerance.method.publish")
        assert event.after == {"effective_from": "2026-03-01", "positives": 1, "negatives": 1}

    def test_publish_needs_interpretation_and_both_lists(self, tol_officer_a, city):
        method = draft(tol_officer_a, city.county_a, interpretation="")
        complete(tol_officer_a, method, negatives=())
        with pytest.raises(DomainError) as exc:
            method_publish(
                actor=tol_officer_a, method_id=method.pk, effective_from=date(2026, 1, 1)
            )
        assert set(exc.value.fields) == {"interpretation", "negative"}
        method.refresh_from_db()
        assert not method.is_published

    def test_published_version_is_immutable(self, tol_officer_a, city):
        method = complete(tol_officer_a, draft(tol_officer_a, city.county_a))
        method_publish(actor=tol_officer_a, method_id=method.pk, effective_from=date(2026, 1, 1))
        item = method.items.first()
        attempts = [
            lambda: method_update(
                actor=tol_officer_a,
                method_id=method.pk,
                data=MethodInput(city.county_a.pk, "改", "改", "改"),
            ),
            lambda: list_item_add(
                actor=tol_officer_a, method_id=method.pk, data=ItemInput("positive", "Z9", "新")
            ),
            lambda: list_item_update(
                actor=tol_officer_a, item_id=item.pk, data=ItemInput("positive", "Z1", "改")
            ),
            lambda: list_item_delete(actor=tol_officer_a, item_id=item.pk),
            lambda: method_delete(actor=tol_officer_a, method_id=method.pk),
            lambda: method_publish(
                actor=tol_officer_a, method_id=method.pk, effective_from=date(2026, 2, 1)
            ),
        ]
        for attempt in attempts:
            with pytest.raises(DomainError) as exc:
                attempt()
            assert exc.value.message == PUBLISHED_IMMUTABLE
        assert method.items.count() == 2

    def test_new_version_copies_and_orders_dates(self, tol_officer_a, city):
        first = complete(tol_officer_a, draft(tol_officer_a, city.county_a), positives=("Z1", "Z2"))
        method_publish(actor=tol_officer_a, method_id=first.pk, effective_from=date(2026, 3, 1))
        second = method_new_version(actor=tol_officer_a, from_method_id=first.pk)
        assert second.unit == city.county_a and not second.is_published
        assert second.version_label == "第2版"
        assert second.interpretation == first.interpretation
        copied = sorted(second.items.values_list("kind", "code", "text"))
        assert copied == sorted(first.items.values_list("kind", "code", "text"))
        # Editing the copy leaves the published version alone.
        z2 = second.items.get(code="Z2")
        list_item_update(
            actor=tol_officer_a, item_id=z2.pk, data=ItemInput("positive", "Z2", "修改后的情形")
        )
        assert first.items.get(code="Z2").text == "正面情形Z2"
        # A second draft of the same unit is refused while one is open.
        with pytest.raises(DomainError, match="草稿"):
            method_new_version(actor=tol_officer_a, from_method_id=first.pk)
        with pytest.raises(DomainError) as exc:
            method_publish(
                actor=tol_officer_a, method_id=second.pk, effective_from=date(2026, 2, 28)
            )
        assert "effective_from" in exc.value.fields
        method_publish(actor=tol_officer_a, method_id=second.pk, effective_from=date(2026, 3, 1))

    def test_codes_unique_per_list(self, tol_officer_a, city):
        method = draft(tol_officer_a, city.county_a)
        list_item_add(
            actor=tol_officer_a, method_id=method.pk, data=ItemInput("positive", "A1", "甲")
        )
        with pytest.raises(DomainError) as exc:
            list_item_add(
                actor=tol_officer_a, method_id=method.pk, data=ItemInput("positive", "A1", "乙")
            )
        assert "code" in exc.value.fields
        # The same code on the other list is fine.
        list_item_add(
            actor=tol_officer_a, method_id=method.pk, data=ItemInput("negative", "A1", "丙")
        )
        other = list_item_add(
            actor=tol_officer_a, method_id=method.pk, data=ItemInput("positive", "A2", "丁")
        )
        with pytest.raises(DomainError):
            list_item_update(
                actor=tol_officer_a, item_id=other.pk, data=ItemInput("positive", "A1", "丁")
            )
        assert ToleranceList.objects.filter(method=method).count() == 3

    def test_delete_draft(self, tol_officer_a, city):
        method = complete(tol_officer_a, draft(tol_officer_a, city.county_a))
        method_delete(actor=tol_officer_a, method_id=method.pk)
        assert not ToleranceMethod.objects.exists()
        assert AuditEvent.objects.filter(action="tolerance.method.delete").exists()

    def test_who_writes(self, tol_officer_a, officer_a, pillar_leader_a, pillar_officer_b, city):
        # No pillar, read-only leader, another county: refused.
        for actor in (officer_a, pillar_leader_a, pillar_officer_b):
            with pytest.raises(DomainError) as exc:
                draft(actor, city.county_a)
            assert "unit" in exc.value.fields
        # Above the officer's subtree: refused as well.
        with pytest.raises(DomainError):
            draft(tol_officer_a, city.root)
        method = draft(tol_officer_a, city.county_a)
        for actor in (officer_a, pillar_leader_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                list_item_add(
                    actor=actor, method_id=method.pk, data=ItemInput("positive", "Z", "x")
                )
            with pytest.raises(OutOfScopeError):
                method_delete(actor=actor, method_id=method.pk)
        # The county's officer may not change the city's published method either.
        city_method = published(city.root, date(2025, 1, 1))
        with pytest.raises(OutOfScopeError):
            method_new_version(actor=tol_officer_a, from_method_id=city_method.pk)


class TestMethodInForce:
    def test_boundaries_and_versions(self, city):
        v1 = published(city.county_a, date(2026, 1, 1))
        v2 = published(city.county_a, date(2026, 7, 1))
        path = city.county_a_dept.path
        assert method_in_force(path, date(2025, 12, 31)) is None
        assert method_in_force(path, date(2026, 1, 1)) == v1
        assert method_in_force(path, date(2026, 6, 30)) == v1
        assert method_in_force(path, date(2026, 7, 1)) == v2
        # Same effective date: the later publication wins.
        v3 = published(city.county_a, date(2026, 7, 1))
        assert method_in_force(path, date(2026, 7, 1)) == v3

    def test_nearest_unit_upward(self, city):
        city_v = published(city.root, date(2025, 1, 1))
        county_v = published(city.county_a, date(2026, 1, 1))
        ToleranceMethodFactory(unit=city.county_a_dept)  # a draft never counts
        assert method_in_force(city.county_a_dept.path, date(2025, 6, 1)) == city_v
        assert method_in_force(city.county_a_dept.path, date(2026, 1, 1)) == county_v
        assert method_in_force(city.county_a.path, date(2026, 1, 1)) == county_v
        assert method_in_force(city.county_b_dept.path, date(2026, 1, 1)) == city_v
        assert method_in_force(city.root.path, date(2024, 12, 31)) is None

    def test_status_labels(self, city):
        v1 = published(city.county_a, date(2026, 1, 1))
        v2 = published(city.county_a, date(2026, 7, 1))
        d = ToleranceMethodFactory(unit=city.county_a)
        on = date(2026, 3, 1)
        assert [method_status(m, on) for m in (v1, v2, d)] == ["现行", "待施行", "草稿"]
        assert method_status(v1, date(2026, 7, 1)) == "已废止"


class TestCompare:
    def test_added_removed_changed(self, tol_officer_a, city):
        first = complete(tol_officer_a, draft(tol_officer_a, city.county_a), positives=("Z1", "Z2"))
        method_publish(actor=tol_officer_a, method_id=first.pk, effective_from=date(2026, 1, 1))
        second = method_new_version(actor=tol_officer_a, from_method_id=first.pk)
        items = {i.code: i for i in second.items.all()}
        list_item_delete(actor=tol_officer_a, item_id=items["Z2"].pk)
        list_item_update(
            actor=tol_officer_a, item_id=items["F1"].pk, data=ItemInput("negative", "F1", "新负面")
        )
        list_item_add(
            actor=tol_officer_a, method_id=second.pk, data=ItemInput("positive", "Z3", "新")
        )
        assert method_previous(second) == first
        diff = method_compare(first, second)
        assert [c.code for c in diff.added] == ["Z3"]
        assert [c.code for c in diff.removed] == ["Z2"]
        assert [(c.code, c.old, c.new) for c in diff.changed] == [("F1", "负面情形F1", "新负面")]
        assert not diff.interpretation_changed and not diff.empty


class TestReadScope:
    def test_readers(self, tol_officer_a, officer_a, leader_a, pillar_officer_b, city):
        county_a = published(city.county_a, date(2026, 1, 1))
        city_v = published(city.root, date(2025, 1, 1))
        a_draft = ToleranceMethodFactory(unit=city.county_a)
        b_v = published(city.county_b, date(2026, 1, 1))
        seen = {
            actor.username: set(method_list(actor=actor, filters=MethodFilters()))
            for actor in (tol_officer_a, officer_a, leader_a, pillar_officer_b)
        }
        assert seen["tol_officer_a"] == {county_a, city_v, a_draft}
        # Plain officers and leaders read published versions (public policy), not drafts.
        assert seen["officer_a"] == {county_a, city_v}
        assert seen["leader_a"] == {county_a, city_v}
        assert seen["pillar_officer_b"] == {city_v, b_v}
        with pytest.raises(OutOfScopeError):
            method_get(actor=pillar_officer_b, method_id=county_a.pk)
        with pytest.raises(OutOfScopeError):
            method_get(actor=officer_a, method_id=a_draft.pk)
        for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
            assert not method_list(actor=UserFactory(role=role), filters=MethodFilters()).exists()


class TestMethodPages:
    def test_list_and_detail_for_readers(self, officer_a, leader_a, tol_officer_a, city):
        first = published(city.county_a, date(2026, 1, 1), title="甲县容错纠错办法")
        second = published(city.county_a, date(2026, 7, 1), title="甲县容错纠错办法")
        ToleranceListFactory(method=second, kind=ListKind.POSITIVE, code="Z2", text="新增情形")
        for user in (officer_a, leader_a):
            c = login(user)
            page = c.get(reverse("tolerance:method_list"))
            assert page.status_code == 200
            assert "甲县容错纠错办法" in page.content.decode()
            detail = c.get(reverse("tolerance:method_detail", args=[second.pk]))
            html = detail.content.decode()
            assert detail.status_code == 200
            assert "新增情形" in html and 'data-testid="diff-added"' in html
            assert first.version_label in html  # version history
            assert 'data-testid="method-new-version"' not in html
        html = login(tol_officer_a).get(reverse("tolerance:method_detail", args=[second.pk]))
        assert 'data-testid="method-new-version"' in html.content.decode()

    def test_list_htmx_partial(self, officer_a, city):
        published(city.county_a, date(2026, 1, 1))
        response = login(officer_a).get(
            reverse("tolerance:method_list"), {"status": "published"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert b"<html" not in response.content and b"method-table" in response.content

    def test_other_county_gets_404(self, pillar_officer_b, city):
        method = published(city.county_a, date(2026, 1, 1))
        c = login(pillar_officer_b)
        assert c.get(reverse("tolerance:method_detail", args=[method.pk])).status_code == 404
        assert method.title not in c.get(reverse("tolerance:method_list")).content.decode()

    def test_plain_officer_and_leader_cannot_write(self, officer_a, leader_a, city):
        method = ToleranceMethodFactory(unit=city.county_a)
        done = published(city.county_a, date(2026, 1, 1))
        c = login(officer_a)
        assert c.get(reverse("tolerance:method_create")).status_code == 403
        assert c.get(reverse("tolerance:method_edit", args=[method.pk])).status_code == 404
        assert c.post(reverse("tolerance:method_new_version", args=[done.pk])).status_code == 404
        assert c.post(reverse("tolerance:method_publish", args=[method.pk])).status_code == 404
        c = login(leader_a)
        assert c.get(reverse("tolerance:method_create")).status_code == 403
        assert c.post(reverse("tolerance:method_new_version", args=[done.pk])).status_code == 403
        assert ToleranceMethod.objects.count() == 2

    def test_three_officers_refused(self, city):
        for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
            c = login(UserFactory(role=role))
            assert c.get(reverse("tolerance:method_list")).status_code == 403

    def test_full_flow_through_pages(self, tol_officer_a, city):
        c = login(tol_officer_a)
        response = c.post(
            reverse("tolerance:method_create"),
            {
                "unit": city.county_a.pk,
                "title": "甲县容错纠错办法",
                "version_label": "2026年版",
                "interpretation": "释义内容",
            },
        )
        method = ToleranceMethod.objects.get()
        assert response.status_code == 302
        for kind, code in (("positive", "Z1"), ("negative", "F1")):
            r = c.post(
                reverse("tolerance:method_item_add", args=[method.pk]),
                {"kind": kind, "code": code, "text": "情形", "sort_order": 0},
            )
            assert r.status_code == 302
        dup = c.post(
            reverse("tolerance:method_item_add", args=[method.pk]),
            {"kind": "positive", "code": "Z1", "text": "重复", "sort_order": 0},
        )
        assert dup.status_code == 200 and "本清单已有编号" in dup.content.decode()
        confirm = c.get(reverse("tolerance:method_publish", args=[method.pk]))
        assert confirm.status_code == 200 and "确认发布" in confirm.content.decode()
        r = c.post(
            reverse("tolerance:method_publish", args=[method.pk]), {"effective_from": "2026-05-01"}
        )
        assert r.status_code == 302
        method.refresh_from_db()
        assert method.is_published and method.effective_from == date(2026, 5, 1)
        edit = c.get(reverse("tolerance:method_edit", args=[method.pk]))
        assert edit.status_code == 200
        refused = c.post(
            reverse("tolerance:method_edit", args=[method.pk]),
            {"title": "改", "version_label": "改", "interpretation": "改"},
        )
        assert PUBLISHED_IMMUTABLE in refused.content.decode()
        r = c.post(reverse("tolerance:method_new_version", args=[method.pk]), {"version_label": ""})
        new = ToleranceMethod.objects.exclude(pk=method.pk).get()
        assert r.status_code == 302 and r.url == reverse("tolerance:method_detail", args=[new.pk])
        assert new.items.count() == 2

    def test_draft_pages(self, tol_officer_a, city):
        method = complete(tol_officer_a, draft(tol_officer_a, city.county_a))
        item = method.items.get(code="Z1")
        c = login(tol_officer_a)
        urls = [
            reverse("tolerance:method_create"),
            reverse("tolerance:method_edit", args=[method.pk]),
            reverse("tolerance:method_item_add", args=[method.pk]) + "?kind=negative",
            reverse("tolerance:method_item_edit", args=[item.pk]),
        ]
        for url in urls:
            assert c.get(url).status_code == 200, url
        html = c.get(reverse("tolerance:method_detail", args=[method.pk])).content.decode()
        assert 'data-testid="item-add-positive"' in html and 'data-testid="method-publish"' in html
        assert "这是该单位的第一个版本" in html
        r = c.post(
            reverse("tolerance:method_item_edit", args=[item.pk]),
            {"kind": "positive", "code": "Z1", "text": "改后的情形", "sort_order": 2},
        )
        assert r.status_code == 302
        item.refresh_from_db()
        assert item.text == "改后的情形" and item.sort_order == 2
        r = c.post(reverse("tolerance:method_item_delete", args=[item.pk]))
        assert r.status_code == 302 and not method.items.filter(pk=item.pk).exists()
        r = c.post(reverse("tolerance:method_delete", args=[method.pk]))
        assert r.status_code == 302 and not ToleranceMethod.objects.exists()
        # Another county's pillar officer cannot reach the entries either.
        other = complete(tol_officer_a, draft(tol_officer_a, city.county_a))
        entry = other.items.first()
        b = UserFactory(username="b_tol")
        grant(b, city.county_b, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
        cb = login(b)
        assert cb.get(reverse("tolerance:method_item_edit", args=[entry.pk])).status_code == 404
        assert cb.post(reverse("tolerance:method_item_delete", args=[entry.pk])).status_code == 404

    def test_publish_page_names_problems(self, tol_officer_a, city):
        method = draft(tol_officer_a, city.county_a)
        r = login(tol_officer_a).post(
            reverse("tolerance:method_publish", args=[method.pk]), {"effective_from": "2026-05-01"}
        )
        assert r.status_code == 400
        html = r.content.decode()
        assert "正面清单（可以容错的情形）至少需要一条" in html
        assert "负面清单（不予容错的情形）至少需要一条" in html


class TestMethodExport:
    def test_scoped_with_drafts_for_the_pillar_only(
        self, tol_officer_a, officer_a, pillar_officer_b, city, django_capture_on_commit_callbacks
    ):
        published(city.county_a, date(2026, 1, 1), version_label="甲县2026年版")
        ToleranceMethodFactory(unit=city.county_a, version_label="甲县草稿版")
        published(city.county_b, date(2026, 1, 1), version_label="乙县2026年版")

        def labels(user):
            with django_capture_on_commit_callbacks(execute=True):
                url = reverse("jobs:list_export", args=["tolerance-methods"])
                assert login(user).post(url).status_code == 302
            job = Job.objects.latest("id")
            assert job.status == JobStatus.DONE
            with job.result_file.open("rb") as fh:
                rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
            return {r[2]: (r[3], r[5], r[6]) for r in rows[1:]}

        assert labels(tol_officer_a) == {
            "甲县2026年版": ("现行", 1, 1),
            "甲县草稿版": ("草稿", 0, 0),
        }
        assert set(labels(officer_a)) == {"甲县2026年版"}
        assert set(labels(pillar_officer_b)) == {"乙县2026年版"}
