"""The data-scope matrix: who sees which cadres (and their parts), and what they may change."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import ManagedBy, Role, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres import selectors
from apps.cadres.constants import EducationLevel, EducationMode
from apps.cadres.models import Appointment, Cadre, CadreQuerySet, Education, FamilyMember
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditEvent, AuditOutcome
from apps.core.scope import Action, Pillar, ScopeRule, assert_in_scope, paths_cover, rules_for
from apps.units.models import Unit
from apps.units.tests.factories import UnitFactory
from conftest import City


class ToleranceCadreQuerySet(CadreQuerySet):
    """A sensitive-pillar view of cadres, as a 容错纠错 model's queryset would declare it."""

    scope_pillar = Pillar.TOLERANCE


def tolerance_rows() -> ToleranceCadreQuerySet:
    return ToleranceCadreQuerySet(model=Cadre)


def fresh(user: User) -> User:
    """The user as the next request loads it (scope rules are cached per instance)."""
    return User.objects.get(pk=user.pk)


def seen(user: object, action: Action = Action.VIEW) -> set[str]:
    return set(Cadre.objects.visible_to(user, action).values_list("name", flat=True))


# --- pure: ScopeRule and helpers -------------------------------------------------------------


class TestScopeRule:
    @pytest.mark.parametrize(
        ("can_change", "pillars", "action", "pillar", "allowed"),
        [
            (False, (), Action.VIEW, None, True),
            (False, (), Action.CHANGE, None, False),  # leaders read only
            (True, (), Action.CHANGE, None, True),
            (True, (), Action.VIEW, Pillar.TOLERANCE, False),  # pillar not granted
            (True, (Pillar.TOLERANCE,), Action.VIEW, Pillar.TOLERANCE, True),
            (True, (Pillar.TOLERANCE,), Action.CHANGE, Pillar.TOLERANCE, True),
            (False, (Pillar.TOLERANCE,), Action.CHANGE, Pillar.TOLERANCE, False),
            (True, (Pillar.TOLERANCE,), Action.VIEW, Pillar.SANCTIONS, False),  # other pillar
        ],
    )
    def test_allows(
        self,
        can_change: bool,
        pillars: tuple[str, ...],
        action: Action,
        pillar: str | None,
        allowed: bool,
    ) -> None:
        rule = ScopeRule("/1/", frozenset({"county"}), frozenset(pillars), can_change)
        assert rule.allows(action, pillar) is allowed

    @pytest.mark.parametrize(
        ("paths", "path", "covered"),
        [
            (["/1/4/"], "/1/4/", True),
            (["/1/4/"], "/1/4/12/", True),
            (["/1/4/"], "/1/40/", False),  # prefix of the id, not of the path
            (["/1/4/"], "/1/", False),  # an ancestor is not inside
            (["/2/", "/1/4/"], "/1/4/9/", True),
            ([], "/1/", False),
        ],
    )
    def test_paths_cover(self, paths: list[str], path: str, covered: bool) -> None:
        assert paths_cover(paths, path) is covered

    def test_rules_for_anonymous_and_plain_objects_is_empty(self) -> None:
        assert rules_for(AnonymousUser(), Action.VIEW) == []
        assert rules_for(object(), Action.VIEW) == []


# --- the matrix ------------------------------------------------------------------------------


@pytest.fixture
def cadres(city: City) -> dict[str, Cadre]:
    """县管 and 市管 cadres across the city; the key is also the name."""
    rows = {
        "甲县县管": (city.county_a, ManagedBy.COUNTY),
        "甲县局县管": (city.county_a_dept, ManagedBy.COUNTY),
        "甲县镇县管": (city.county_a_town, ManagedBy.COUNTY),
        "甲县市管": (city.county_a, ManagedBy.CITY),
        "乙县县管": (city.county_b_dept, ManagedBy.COUNTY),
        "乙县市管": (city.county_b, ManagedBy.CITY),
        "市局市管": (city.city_dept, ManagedBy.CITY),
        "市局县管": (city.city_dept, ManagedBy.COUNTY),  # odd data: still only for root grants
    }
    return {
        name: CadreFactory(name=name, unit=unit, managed_by=level)
        for name, (unit, level) in rows.items()
    }


COUNTY_A_COUNTY = {"甲县县管", "甲县局县管", "甲县镇县管"}
CITY_MANAGED = {"甲县市管", "乙县市管", "市局市管"}


@pytest.mark.django_db
class TestCadreVisibleTo:
    def test_county_officer_sees_own_county_managed_subtree(
        self, officer_a: User, cadres: dict[str, Cadre]
    ) -> None:
        assert seen(officer_a) == COUNTY_A_COUNTY
        assert seen(officer_a, Action.CHANGE) == COUNTY_A_COUNTY

    def test_city_officer_sees_city_managed_everywhere_but_not_county_managed(
        self, officer_city: User, cadres: dict[str, Cadre]
    ) -> None:
        assert seen(officer_city) == CITY_MANAGED
        assert seen(officer_city, Action.CHANGE) == CITY_MANAGED

    def test_leader_sees_but_cannot_change(self, leader_a: User, cadres: dict[str, Cadre]) -> None:
        assert seen(leader_a) == COUNTY_A_COUNTY
        assert seen(leader_a, Action.CHANGE) == set()

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_three_administrators_see_nothing_even_with_a_grant(
        self, city: City, cadres: dict[str, Cadre], role: str
    ) -> None:
        user = UserFactory(role=role, is_superuser=True, is_staff=True)
        grant(user, city.root)
        assert seen(user) == set()
        assert seen(user, Action.CHANGE) == set()

    def test_anonymous_sees_nothing(self, cadres: dict[str, Cadre]) -> None:
        assert seen(AnonymousUser()) == set()

    def test_user_without_grants_sees_nothing(self, cadres: dict[str, Cadre]) -> None:
        assert seen(UserFactory()) == set()

    def test_two_grants_give_the_union_without_duplicates(
        self, city: City, cadres: dict[str, Cadre]
    ) -> None:
        user = UserFactory()
        grant(user, city.county_a, levels=[ManagedBy.COUNTY])
        grant(user, city.county_a_dept, levels=[ManagedBy.COUNTY])  # nested: same rows twice
        grant(user, city.county_b, levels=[ManagedBy.COUNTY, ManagedBy.CITY])

        rows = list(Cadre.objects.visible_to(user).values_list("name", flat=True))
        assert sorted(rows) == sorted(COUNTY_A_COUNTY | {"乙县县管", "乙县市管"})
        assert Cadre.objects.visible_to(user).count() == len(rows)

    def test_inactive_user_sees_nothing(self, officer_a: User, cadres: dict[str, Cadre]) -> None:
        User.objects.filter(pk=officer_a.pk).update(is_active=False)
        assert seen(fresh(officer_a)) == set()

    def test_grant_on_a_deactivated_unit_is_ignored(
        self, officer_a: User, city: City, cadres: dict[str, Cadre]
    ) -> None:
        Unit.objects.filter(pk=city.county_a.pk).update(is_active=False)
        assert seen(fresh(officer_a)) == set()

    def test_deleted_cadres_are_hidden_unless_asked(
        self, officer_a: User, cadres: dict[str, Cadre]
    ) -> None:
        Cadre.objects.filter(pk=cadres["甲县县管"].pk).update(deleted_at=timezone.now())
        assert seen(officer_a) == COUNTY_A_COUNTY - {"甲县县管"}
        with_deleted = Cadre.objects.visible_to(officer_a, include_deleted=True)
        assert set(with_deleted.values_list("name", flat=True)) == COUNTY_A_COUNTY

    def test_moving_a_unit_moves_the_scope(
        self, officer_a: User, city: City, cadres: dict[str, Cadre]
    ) -> None:
        """Scope follows the tree as it is now, not as it was when the grant was made."""
        from apps.units.services import unit_move

        unit_move(actor=None, unit_id=city.county_b_dept.pk, new_parent_id=city.county_a.pk)
        assert seen(fresh(officer_a)) == COUNTY_A_COUNTY | {"乙县县管"}


@pytest.mark.django_db
class TestPathPrefixSafety:
    def test_grant_on_4_does_not_open_40(self) -> None:
        root = UnitFactory()
        four, forty = UnitFactory(parent=root), UnitFactory(parent=root)
        # Give the two units ids whose decimal forms share a prefix: /…/4/ and /…/40/.
        Unit.objects.filter(pk=four.pk).update(path=f"{root.path}4/")
        Unit.objects.filter(pk=forty.pk).update(path=f"{root.path}40/")
        inside = CadreFactory(name="四", unit=four)
        CadreFactory(name="四十", unit=forty)
        user = UserFactory()
        grant(user, four, levels=[ManagedBy.COUNTY])

        assert seen(user) == {"四"}
        Education.objects.create(
            cadre=inside, mode=EducationMode.FULL_TIME, level=EducationLevel.BACHELOR, school="x"
        )
        assert Education.objects.visible_to(user).count() == 1

    def test_real_ids_with_a_shared_decimal_prefix(self) -> None:
        """The same case built by the tree itself: units with ids n and n·10."""
        root = UnitFactory()
        short_pk = (Unit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        short = UnitFactory(id=short_pk, parent=root)
        long_ = UnitFactory(id=short_pk * 10, parent=root)
        assert long_.path.startswith(short.path.rstrip("/"))  # the trap is really there
        CadreFactory(name="短", unit=short)
        CadreFactory(name="长", unit=long_)
        user = UserFactory()
        grant(user, short, levels=[ManagedBy.COUNTY])
        assert seen(user) == {"短"}
        assert set(Unit.objects.visible_to(fresh(user))) == {short}


@pytest.mark.django_db
class TestCadrePartVisibleTo:
    @pytest.fixture
    def parts(self, city: City, cadres: dict[str, Cadre]) -> dict[str, Cadre]:
        post = PostFactory(unit=city.county_a_dept)
        for cadre in cadres.values():
            Education.objects.create(
                cadre=cadre,
                mode=EducationMode.FULL_TIME,
                level=EducationLevel.BACHELOR,
                school=f"{cadre.name}大学",
            )
            Appointment.objects.create(cadre=cadre, post=post, start_date=date(2020, 1, 1))
            FamilyMember.objects.create(cadre=cadre, relation="妻子", name=f"{cadre.name}家属")
        return cadres

    @pytest.mark.parametrize("model", [Education, Appointment, FamilyMember])
    def test_parts_follow_their_cadre(
        self,
        officer_a: User,
        officer_city: User,
        leader_a: User,
        parts: dict[str, Cadre],
        model: type[Education],
    ) -> None:
        def owners(user: User, action: Action = Action.VIEW) -> set[str]:
            qs = model.objects.visible_to(user, action)
            return set(qs.values_list("cadre__name", flat=True))

        assert owners(officer_a) == COUNTY_A_COUNTY
        assert owners(officer_city) == CITY_MANAGED
        assert owners(leader_a) == COUNTY_A_COUNTY
        assert owners(leader_a, Action.CHANGE) == set()
        assert owners(UserFactory(role=Role.AUDITOR)) == set()

    def test_parts_of_deleted_cadres_are_hidden(
        self, officer_a: User, parts: dict[str, Cadre]
    ) -> None:
        Cadre.objects.filter(pk=parts["甲县县管"].pk).update(deleted_at=timezone.now())
        schools = set(Education.objects.visible_to(officer_a).values_list("school", flat=True))
        assert schools == {f"{n}大学" for n in COUNTY_A_COUNTY - {"甲县县管"}}


@pytest.mark.django_db
class TestSensitivePillar:
    def test_pillar_needs_its_own_grant(self, city: City, cadres: dict[str, Cadre]) -> None:
        plain = UserFactory()
        grant(plain, city.county_a, levels=[ManagedBy.COUNTY])
        trusted = UserFactory()
        grant(trusted, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
        other_pillar = UserFactory()
        grant(other_pillar, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.SANCTIONS])

        assert seen(plain) == COUNTY_A_COUNTY  # the ordinary record stays visible
        assert not tolerance_rows().visible_to(plain).exists()
        assert not tolerance_rows().visible_to(other_pillar).exists()
        names = set(tolerance_rows().visible_to(trusted).values_list("name", flat=True))
        assert names == COUNTY_A_COUNTY

    def test_pillar_is_per_grant(self, city: City, cadres: dict[str, Cadre]) -> None:
        """A pillar granted for county A does not open county B's sensitive rows."""
        user = UserFactory()
        grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
        grant(user, city.county_b, levels=[ManagedBy.COUNTY])
        names = set(tolerance_rows().visible_to(user).values_list("name", flat=True))
        assert names == COUNTY_A_COUNTY
        assert seen(user) == COUNTY_A_COUNTY | {"乙县县管"}

    def test_leader_with_pillar_reads_but_does_not_change(
        self, city: City, cadres: dict[str, Cadre]
    ) -> None:
        leader = UserFactory(role=Role.LEADER)
        grant(leader, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
        assert tolerance_rows().visible_to(leader).count() == len(COUNTY_A_COUNTY)
        assert not tolerance_rows().visible_to(leader, Action.CHANGE).exists()


@pytest.mark.django_db
class TestAssertInScope:
    def test_passes_in_scope_and_raises_outside(
        self, officer_a: User, leader_a: User, cadres: dict[str, Cadre]
    ) -> None:
        mine, theirs = cadres["甲县局县管"], cadres["乙县县管"]
        assert_in_scope(Cadre.objects.all(), mine.pk, officer_a, Action.CHANGE)
        with pytest.raises(OutOfScopeError):
            assert_in_scope(Cadre.objects.all(), theirs.pk, officer_a, Action.CHANGE)
        with pytest.raises(OutOfScopeError):
            assert_in_scope(Cadre.objects.all(), mine.pk, leader_a, Action.CHANGE)


@pytest.mark.django_db
class TestUnitVisibleTo:
    def test_units_in_the_granted_subtrees(
        self, city: City, officer_a: User, officer_city: User
    ) -> None:
        assert set(Unit.objects.visible_to(officer_a)) == {
            city.county_a,
            city.county_a_dept,
            city.county_a_town,
        }
        assert Unit.objects.visible_to(officer_city).count() == 7
        assert not Unit.objects.visible_to(UserFactory(role=Role.SYSADMIN)).exists()


@pytest.mark.django_db
class TestCadreGet:
    def test_success_is_audited(self, officer_a: User, cadres: dict[str, Cadre]) -> None:
        target = cadres["甲县镇县管"]
        cadre = selectors.cadre_get(actor=officer_a, cadre_id=target.pk)
        assert cadre == target
        event = AuditEvent.objects.get(action="cadre.view")
        assert (event.outcome, event.actor, event.target_id) == (
            AuditOutcome.OK,
            officer_a,
            str(target.pk),
        )
        assert event.target_type == "cadres.cadre"

    @pytest.mark.parametrize("name", ["乙县县管", "甲县市管"])
    def test_out_of_scope_is_denied_and_audited(
        self, officer_a: User, cadres: dict[str, Cadre], name: str
    ) -> None:
        target = cadres[name]
        with pytest.raises(OutOfScopeError):
            selectors.cadre_get(actor=officer_a, cadre_id=target.pk)
        event = AuditEvent.objects.get(action="cadre.view")
        assert (event.outcome, event.actor, event.target_id) == (
            AuditOutcome.DENIED,
            officer_a,
            str(target.pk),
        )
        assert event.target_repr == ""  # the denied event does not reveal the name

    def test_change_action_for_a_leader_is_denied(
        self, leader_a: User, cadres: dict[str, Cadre]
    ) -> None:
        target = cadres["甲县县管"]
        assert selectors.cadre_get(actor=leader_a, cadre_id=target.pk) == target
        with pytest.raises(OutOfScopeError):
            selectors.cadre_get(actor=leader_a, cadre_id=target.pk, action=Action.CHANGE)
        outcomes = list(
            AuditEvent.objects.filter(action="cadre.view")
            .order_by("id")
            .values_list("outcome", flat=True)
        )
        assert outcomes == [AuditOutcome.OK, AuditOutcome.DENIED]

    def test_unknown_id_is_denied_like_out_of_scope(self, officer_a: User) -> None:
        with pytest.raises(OutOfScopeError):
            selectors.cadre_get(actor=officer_a, cadre_id=987654)
        assert AuditEvent.objects.get().outcome == AuditOutcome.DENIED
