"""The org-unit tree: create, move (one UPDATE per subtree), rename, merge, quotas."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.core.exceptions import DomainError
from apps.core.models import AuditEvent
from apps.units import services
from apps.units.constants import Tier, UnitEventKind, UnitKind, UnitLevel
from apps.units.models import PostQuota, Unit, UnitEvent
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> User:
    return UserFactory(username="sysadmin_1")


def create(actor: User, code: str, parent: Unit | None = None, name: str = "") -> Unit:
    return services.unit_create(
        actor=actor,
        name=name or f"单位{code}",
        code=code,
        level=UnitLevel.COUNTY,
        kind=UnitKind.DEPARTMENT,
        parent=parent,
    )


def chain_of(actor: User, parent: Unit, depth: int, prefix: str) -> list[Unit]:
    """`depth` units, each the child of the previous one, under `parent`."""
    units = []
    for i in range(depth):
        parent = create(actor, f"{prefix}{i}", parent)
        units.append(parent)
    return units


def assert_tree_consistent() -> None:
    """Every unit's path is its parent's path plus its id, and depth counts the ancestors."""
    for unit in Unit.objects.select_related("parent"):
        if unit.parent is None:
            assert (unit.path, unit.depth) == (f"/{unit.pk}/", 0)
        else:
            assert unit.path == f"{unit.parent.path}{unit.pk}/"
            assert unit.depth == unit.parent.depth + 1


class TestUnitCreate:
    def test_paths_and_depths(self, actor: User) -> None:
        root = create(actor, "R")
        child = create(actor, "C", root)
        grandchild = create(actor, "G", child)

        assert (root.path, root.depth) == (f"/{root.pk}/", 0)
        assert (child.path, child.depth) == (f"/{root.pk}/{child.pk}/", 1)
        assert (grandchild.path, grandchild.depth) == (f"/{root.pk}/{child.pk}/{grandchild.pk}/", 2)
        assert grandchild.ancestor_ids == [root.pk, child.pk, grandchild.pk]
        assert_tree_consistent()

    def test_records_history_and_audit(self, actor: User) -> None:
        root = create(actor, "R")
        child = create(actor, "C", root, name="甲县")

        event = UnitEvent.objects.get(unit=child)
        assert (event.kind, event.actor, event.before) == (UnitEventKind.CREATED, actor, {})
        assert event.after == {"name": "甲县", "parent": root.pk}
        audited = AuditEvent.objects.get(action="unit.created", target_id=str(child.pk))
        assert audited.actor == actor

    def test_duplicate_code_is_refused(self, actor: User) -> None:
        create(actor, "R")
        with pytest.raises(DomainError) as exc:
            create(actor, "R")
        assert "code" in exc.value.fields
        assert Unit.objects.count() == 1

    def test_under_a_deactivated_parent_is_refused(self, actor: User) -> None:
        root = create(actor, "R")
        Unit.objects.filter(pk=root.pk).update(is_active=False)
        root.refresh_from_db()
        with pytest.raises(DomainError) as exc:
            create(actor, "C", root)
        assert "parent" in exc.value.fields


class TestUnitMove:
    def test_rewrites_the_whole_subtree(self, actor: User) -> None:
        root = create(actor, "R")
        a, b = create(actor, "A", root), create(actor, "B", root)
        moved = create(actor, "M", a)
        below = chain_of(actor, moved, 3, "M")
        sibling = create(actor, "S", a)

        result = services.unit_move(actor=actor, unit_id=moved.pk, new_parent_id=b.pk)

        assert result.parent == b
        assert (result.path, result.depth) == (f"{b.path}{moved.pk}/", 2)
        for unit in below:
            unit.refresh_from_db()
            assert unit.path.startswith(result.path)
        assert [u.depth for u in below] == [3, 4, 5]
        sibling.refresh_from_db()
        assert sibling.path == f"{a.path}{sibling.pk}/"  # untouched
        assert set(Unit.objects.subtree(b)) == {b, result, *below}
        assert set(Unit.objects.subtree(a)) == {a, sibling}
        assert_tree_consistent()

    def test_move_to_a_shallower_level_and_back(self, actor: User) -> None:
        root = create(actor, "R")
        deep = chain_of(actor, root, 4, "D")
        leaf_below = create(actor, "L", deep[-1])

        services.unit_move(actor=actor, unit_id=deep[-1].pk, new_parent_id=root.pk)
        leaf_below.refresh_from_db()
        assert leaf_below.depth == 2
        services.unit_move(actor=actor, unit_id=deep[-1].pk, new_parent_id=deep[-2].pk)
        leaf_below.refresh_from_db()
        assert leaf_below.depth == 5
        assert_tree_consistent()

    def test_query_count_does_not_depend_on_subtree_size(self, actor: User) -> None:
        root = create(actor, "R")
        target = create(actor, "T", root)
        small = create(actor, "S", root)
        large = create(actor, "L", root)
        for i in range(3):
            chain_of(actor, large, 4, f"L{i}-")  # 12 descendants

        def queries_to_move(unit: Unit) -> list[str]:
            with CaptureQueriesContext(connection) as ctx:
                services.unit_move(actor=actor, unit_id=unit.pk, new_parent_id=target.pk)
            return [q["sql"] for q in ctx.captured_queries]

        small_sql = queries_to_move(small)
        large_sql = queries_to_move(large)
        assert len(large_sql) == len(small_sql)
        rewrites = [s for s in large_sql if s.startswith("UPDATE") and '"path" = ' in s]
        assert len(rewrites) == 1  # the whole subtree in one statement
        assert Unit.objects.subtree(target).count() == 1 + 1 + 1 + 12
        assert_tree_consistent()

    @pytest.mark.parametrize("onto", ["self", "child", "grandchild"])
    def test_refuses_moving_under_itself_or_a_descendant(self, actor: User, onto: str) -> None:
        root = create(actor, "R")
        unit = create(actor, "U", root)
        child = create(actor, "C", unit)
        grandchild = create(actor, "G", child)
        target = {"self": unit, "child": child, "grandchild": grandchild}[onto]
        before = dict(Unit.objects.values_list("pk", "path"))

        with pytest.raises(DomainError) as exc:
            services.unit_move(actor=actor, unit_id=unit.pk, new_parent_id=target.pk)

        assert "parent" in exc.value.fields
        assert dict(Unit.objects.values_list("pk", "path")) == before
        assert not UnitEvent.objects.filter(kind=UnitEventKind.MOVED).exists()

    def test_sibling_with_a_shared_id_prefix_is_not_a_descendant(self, actor: User) -> None:
        """Moving /r/4/ under /r/40/ is legal: 40 is not inside 4."""
        root = UnitFactory()
        four = UnitFactory(parent=root)
        forty = UnitFactory(id=four.pk * 10, parent=root)
        services.unit_move(actor=actor, unit_id=four.pk, new_parent_id=forty.pk)
        four.refresh_from_db()
        assert four.path == f"{forty.path}{four.pk}/"

    def test_refuses_a_deactivated_parent(self, actor: User) -> None:
        root = create(actor, "R")
        unit, closed = create(actor, "U", root), create(actor, "X", root)
        Unit.objects.filter(pk=closed.pk).update(is_active=False)
        with pytest.raises(DomainError):
            services.unit_move(actor=actor, unit_id=unit.pk, new_parent_id=closed.pk)

    def test_records_history_with_before_and_after(self, actor: User) -> None:
        root = create(actor, "R")
        a, b = create(actor, "A", root), create(actor, "B", root)
        unit = create(actor, "U", a)
        old_path = unit.path

        moved = services.unit_move(
            actor=actor, unit_id=unit.pk, new_parent_id=b.pk, document_no="示组发〔2025〕1号"
        )

        event = UnitEvent.objects.get(unit=unit, kind=UnitEventKind.MOVED)
        assert event.before == {"parent": a.pk, "path": old_path}
        assert event.after == {"parent": b.pk, "path": moved.path}
        assert event.document_no == "示组发〔2025〕1号"
        assert moved.version == 2
        assert AuditEvent.objects.filter(action="unit.moved", target_id=str(unit.pk)).exists()


class TestUnitRename:
    def test_keeps_the_old_name_in_history(self, actor: User) -> None:
        unit = create(actor, "U", name="甲县财政局")
        services.unit_rename(actor=actor, unit_id=unit.pk, name="甲县财政和国资局")
        services.unit_rename(actor=actor, unit_id=unit.pk, name="甲县财政局", short_name="财政")

        unit.refresh_from_db()
        assert (unit.name, unit.short_name, unit.version) == ("甲县财政局", "财政", 3)
        renames = UnitEvent.objects.filter(unit=unit, kind=UnitEventKind.RENAMED).order_by("id")
        assert [(e.before["name"], e.after["name"]) for e in renames] == [
            ("甲县财政局", "甲县财政和国资局"),
            ("甲县财政和国资局", "甲县财政局"),
        ]
        assert AuditEvent.objects.filter(action="unit.renamed").count() == 2


class TestUnitMerge:
    def test_moves_children_deactivates_source_and_records_history(self, actor: User) -> None:
        root = create(actor, "R")
        source, target = create(actor, "S", root), create(actor, "T", root)
        kids = [create(actor, f"K{i}", source) for i in range(2)]
        grandkid = create(actor, "G", kids[0])
        calls: list[tuple[int, int]] = []

        def reassign(src: Unit, dst: Unit) -> dict[str, Any]:
            calls.append((src.pk, dst.pk))
            return {"cadres": 7}

        result = services.unit_merge(
            actor=actor, source_id=source.pk, target_id=target.pk, reassign=reassign
        )

        assert result == target
        assert calls == [(source.pk, target.pk)]
        source.refresh_from_db()
        assert (source.is_active, source.merged_into) == (False, target)
        assert set(target.children.all()) == set(kids)
        grandkid.refresh_from_db()
        assert grandkid.path.startswith(target.path)
        assert not Unit.objects.subtree(source).exclude(pk=source.pk).exists()
        event = UnitEvent.objects.get(unit=source, kind=UnitEventKind.MERGED)
        assert event.after == {
            "merged_into": target.pk,
            "children": sorted(k.pk for k in kids),
            "cadres": 7,
        }
        assert UnitEvent.objects.filter(kind=UnitEventKind.MOVED).count() == 2
        assert_tree_consistent()

    def test_merge_without_a_hook(self, actor: User) -> None:
        root = create(actor, "R")
        source, target = create(actor, "S", root), create(actor, "T", root)
        services.unit_merge(actor=actor, source_id=source.pk, target_id=target.pk, reassign=None)
        source.refresh_from_db()
        assert not source.is_active

    @pytest.mark.parametrize("into", ["self", "descendant"])
    def test_refuses_itself_or_a_descendant(self, actor: User, into: str) -> None:
        root = create(actor, "R")
        source = create(actor, "S", root)
        child = create(actor, "C", source)
        target = source if into == "self" else child
        with pytest.raises(DomainError):
            services.unit_merge(
                actor=actor, source_id=source.pk, target_id=target.pk, reassign=None
            )
        source.refresh_from_db()
        assert source.is_active

    def test_refuses_a_deactivated_unit(self, actor: User) -> None:
        root = create(actor, "R")
        source, target, other = (create(actor, c, root) for c in "STO")
        services.unit_merge(actor=actor, source_id=source.pk, target_id=target.pk, reassign=None)
        with pytest.raises(DomainError):
            services.unit_merge(actor=actor, source_id=source.pk, target_id=other.pk, reassign=None)
        with pytest.raises(DomainError):
            services.unit_merge(actor=actor, source_id=other.pk, target_id=source.pk, reassign=None)

    def test_failing_hook_rolls_everything_back(self, actor: User) -> None:
        root = create(actor, "R")
        source, target = create(actor, "S", root), create(actor, "T", root)
        kid = create(actor, "K", source)
        counts = (UnitEvent.objects.count(), AuditEvent.objects.count())

        def reassign(src: Unit, dst: Unit) -> dict[str, Any]:
            raise DomainError("干部调整失败")

        with pytest.raises(DomainError):
            services.unit_merge(
                actor=actor, source_id=source.pk, target_id=target.pk, reassign=reassign
            )
        kid.refresh_from_db()
        source.refresh_from_db()
        assert kid.parent == source
        assert kid.path.startswith(source.path)
        assert source.is_active
        assert (UnitEvent.objects.count(), AuditEvent.objects.count()) == counts


class TestQuotaSet:
    def test_creates_then_updates_with_history(self, actor: User) -> None:
        unit = create(actor, "U")
        services.quota_set(actor=actor, unit_id=unit.pk, tier=Tier.SECTION_DEPUTY, approved=3)
        quota = services.quota_set(
            actor=actor, unit_id=unit.pk, tier=Tier.SECTION_DEPUTY, approved=2, note="编委〔2025〕"
        )

        assert PostQuota.objects.get(unit=unit, tier=Tier.SECTION_DEPUTY) == quota
        assert (quota.approved, quota.note) == (2, "编委〔2025〕")
        history = UnitEvent.objects.filter(unit=unit, kind=UnitEventKind.QUOTA).order_by("id")
        assert [(e.before["approved"], e.after["approved"]) for e in history] == [(0, 3), (3, 2)]

    def test_tiers_are_separate(self, actor: User) -> None:
        unit = create(actor, "U")
        services.quota_set(actor=actor, unit_id=unit.pk, tier=Tier.SECTION_DEPUTY, approved=3)
        services.quota_set(actor=actor, unit_id=unit.pk, tier=Tier.SECTION_PRINCIPAL, approved=1)
        assert dict(unit.quotas.values_list("tier", "approved")) == {
            Tier.SECTION_DEPUTY: 3,
            Tier.SECTION_PRINCIPAL: 1,
        }


class TestSubtree:
    def test_is_one_query(self, actor: User, django_assert_num_queries: Any) -> None:
        root = create(actor, "R")
        a = create(actor, "A", root)
        below = chain_of(actor, a, 3, "A")
        create(actor, "B", root)
        unit = Unit.objects.get(pk=a.pk)
        with django_assert_num_queries(1):
            found = list(Unit.objects.subtree(unit))
        assert set(found) == {a, *below}
        assert [u.path for u in found] == sorted(u.path for u in found)
