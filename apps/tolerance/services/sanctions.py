"""Writes of sanction records (处分与组织处理): add, edit, revoke (撤销 / 申诉改变), soft delete and
restore. The influence period is computed by the regulation's rule (rules_sanctions) and stored.

Every write needs the `sanctions` pillar with the change right over the cadre (officers only),
runs in one transaction with its audit event, and re-checks the scope afterwards.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.core.rulesets import param
from apps.core.scope import Action, assert_in_scope
from apps.tolerance import rules_sanctions as rules
from apps.tolerance.constants import TYPE_KIND, SanctionKind, SanctionType
from apps.tolerance.models import Sanction
from apps.tolerance.selectors_sanctions import pillar_cadres

FIELDS = [
    "kind",
    "type",
    "probation_months",
    "decision_date",
    "effective_date",
    "authority",
    "document_number",
    "summary",
    "influence_until",
    "revoked_on",
    "revoke_reason",
]
TYPE_LABELS = dict(SanctionType.choices)


@dataclass(frozen=True)
class SanctionInput:
    """A sanction decision as the form gives it."""

    kind: str
    type: str
    decision_date: date
    effective_date: date
    authority: str
    document_number: str = ""
    summary: str = ""
    probation_months: int | None = None


@dataclass(frozen=True)
class InfluenceRule:
    """The computed last day of influence (None = permanent) and where it comes from."""

    until: date | None
    basis: str


def influence_rule(
    kind: str, type_: str, effective_date: date, probation_months: int | None
) -> InfluenceRule:
    """Dispatch to the regulation of the sanction's kind; 组织处理 reads its local parameter
    (DIS-JM-1) in force on the effective date."""
    if kind == SanctionKind.ADMINISTRATIVE:
        until = rules.administrative_influence_end(type_, effective_date)
        return InfluenceRule(until, rules.BASIS[type_])
    if kind == SanctionKind.PARTY:
        until = rules.party_influence_end(type_, effective_date, probation_months)
        return InfluenceRule(until, rules.BASIS[type_])
    months = int(param(f"sanctions.{type_}_months", effective_date))
    until = rules.organizational_influence_end(type_, effective_date, months)
    return InfluenceRule(until, f"{rules.ORG_BASIS}：{months}个月")


def cadre_for_sanctions(actor: Any, cadre_id: int) -> Cadre:
    """The cadre locked for a sanctions write: in the actor's change scope under a grant holding
    the sanctions pillar; else OutOfScopeError (views answer 404)."""
    cadre = pillar_cadres(actor, Action.CHANGE).select_for_update().filter(pk=cadre_id).first()
    if cadre is None:
        raise OutOfScopeError()
    return cadre


def _check(data: SanctionInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in SanctionKind.values:
        errors["kind"] = "请选择处分类别"
    if data.type not in SanctionType.values:
        errors["type"] = "请选择处分种类"
    elif data.kind in SanctionKind.values and TYPE_KIND[data.type] != data.kind:
        kind_label = SanctionKind(data.kind).label
        errors["type"] = f"“{TYPE_LABELS[data.type]}”不属于{kind_label}，请重新选择"
    if data.decision_date > today:
        errors["decision_date"] = "处分决定日期不能晚于今天"
    if data.effective_date < data.decision_date:
        errors["effective_date"] = "生效日期不能早于决定日期"
    if data.type == SanctionType.PARTY_PROBATION and data.probation_months not in (
        rules.PROBATION_MONTHS
    ):
        errors["probation_months"] = "留党察看须选择察看期限：12个月或24个月"
    if not data.authority.strip():
        errors["authority"] = "请填写决定机关"
    return errors


def _check_duplicate(cadre: Cadre, data: SanctionInput, exclude_pk: int | None) -> None:
    """Overlapping identical sanctions are refused: same cadre and type, and the same decision
    date or the same document number (the same decision entered twice)."""
    number = data.document_number.strip()
    same = Sanction.objects.unscoped_for_jobs_and_migrations().filter(
        cadre=cadre, type=data.type, deleted_at__isnull=True
    )
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    # An integrity check over the cadre's whole record (the actor holds the pillar's change
    # right over this cadre, so nothing is revealed): hence the unscoped read.
    for other in same.order_by("decision_date", "id"):
        same_day = other.decision_date == data.decision_date
        if same_day or (number and other.document_number.strip() == number):
            what = f"{other.decision_date:%Y-%m-%d} {TYPE_LABELS[other.type]}"
            if other.document_number:
                what += f"（{other.document_number}）"
            message = f"该干部已有相同的处分记录：{what}"
            field = "decision_date" if same_day else "document_number"
            raise DomainError(message, code="duplicate_sanction", fields={field: message})


def _apply(sanction: Sanction, data: SanctionInput, today: date) -> InfluenceRule:
    errors = _check(data, today)
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_sanction", fields=errors)
    _check_duplicate(sanction.cadre, data, sanction.pk)
    sanction.kind = data.kind
    sanction.type = data.type
    probation = data.type == SanctionType.PARTY_PROBATION
    # The months only mean something for 留党察看; other types ignore a stray value.
    sanction.probation_months = data.probation_months if probation else None
    sanction.decision_date = data.decision_date
    sanction.effective_date = data.effective_date
    sanction.authority = data.authority.strip()
    sanction.document_number = data.document_number.strip()
    sanction.summary = data.summary.strip()
    rule = influence_rule(data.kind, data.type, data.effective_date, sanction.probation_months)
    sanction.influence_until = _until(rule.until, sanction.revoked_on)
    return rule


def _until(until: date | None, revoked_on: date | None) -> date | None:
    """The stored last day: the regulation's end, cut short the day before a revocation."""
    if revoked_on is None:
        return until
    cut = revoked_on - timedelta(days=1)
    return cut if until is None or until > cut else until


@transaction.atomic
def sanction_add(
    *, actor: Any, cadre_id: int, data: SanctionInput, today: date | None = None
) -> Sanction:
    """Record a sanction; its influence period is computed by its regulation and stored."""
    today = today or timezone.localdate()
    cadre = cadre_for_sanctions(actor, cadre_id)
    sanction = Sanction(cadre=cadre, created_by=actor)
    rule = _apply(sanction, data, today)
    sanction.save()
    assert_in_scope(Sanction.objects.all(), sanction.pk, actor, Action.CHANGE)
    audit.record(
        action="tolerance.sanction.add",
        actor=actor,
        target=sanction,
        after=audit.snapshot(sanction, FIELDS),
        detail={"legal_basis": rule.basis},
    )
    return sanction


def _for_change(actor: Any, sanction_id: int, *, deleted: bool = False) -> Sanction:
    rows = Sanction.objects.visible_to(actor, Action.CHANGE, include_deleted=True)
    # include_deleted also opens deleted cadres; only the sanction's own deletion is wanted.
    sanction = (
        rows.filter(cadre__deleted_at__isnull=True, deleted_at__isnull=not deleted)
        .select_for_update()
        .select_related("cadre")
        .filter(pk=sanction_id)
        .first()
    )
    if sanction is None:
        raise OutOfScopeError()
    return sanction


def _last_editor(sanction_id: int, version: int) -> str:
    """Who saved the sanction after `version` (from the audit log), for the conflict message."""
    events = AuditEvent.objects.filter(
        target_type="tolerance.sanction",
        target_id=str(sanction_id),
        action__in=["tolerance.sanction.update", "tolerance.sanction.revoke"],
    ).order_by("-id")
    for event in events.select_related("actor"):
        if (event.detail or {}).get("version", 0) > version:
            user: Any = event.actor
            return user.display_name if user is not None else (event.actor_name or "他人")
    return "他人"


def _check_version(sanction: Sanction, expected_version: int | None) -> None:
    if expected_version is not None and sanction.version != expected_version:
        editor = _last_editor(sanction.pk, expected_version)
        raise StaleVersionError(
            f"保存失败：该处分记录已被{editor}修改，请刷新后重新操作", changes={}
        )


@transaction.atomic
def sanction_update(
    *,
    actor: Any,
    sanction_id: int,
    expected_version: int,
    data: SanctionInput,
    today: date | None = None,
) -> Sanction:
    """Edit a sanction (based on the version the user saw); the period is recomputed."""
    sanction = _for_change(actor, sanction_id)
    _check_version(sanction, expected_version)
    before = audit.snapshot(sanction, FIELDS)
    rule = _apply(sanction, data, today or timezone.localdate())
    sanction.version += 1
    sanction.save()
    old, new = audit.diff(before, audit.snapshot(sanction, FIELDS))
    audit.record(
        action="tolerance.sanction.update",
        actor=actor,
        target=sanction,
        before=old,
        after=new,
        detail={"version": sanction.version, "legal_basis": rule.basis},
    )
    return sanction


@transaction.atomic
def sanction_revoke(
    *,
    actor: Any,
    sanction_id: int,
    revoked_on: date,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Sanction:
    """撤销 / 申诉改变: the sanction is void from `revoked_on` on; its stored influence ends the day
    before (if later) and it no longer counts for any influence-period fact. A changed sanction
    (e.g. a lighter one on appeal) is recorded as a new sanction."""
    today = today or timezone.localdate()
    sanction = _for_change(actor, sanction_id)
    _check_version(sanction, expected_version)
    errors: dict[str, str] = {}
    if sanction.revoked_on is not None:
        raise DomainError(f"该处分已于{sanction.revoked_on:%Y-%m-%d}撤销", code="already_revoked")
    if revoked_on > today:
        errors["revoked_on"] = "撤销/变更日期不能晚于今天"
    elif revoked_on < sanction.decision_date:
        errors["revoked_on"] = "撤销/变更日期不能早于处分决定日期"
    if not reason.strip():
        errors["reason"] = "请填写撤销/变更理由"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_revoke", fields=errors)
    before = audit.snapshot(sanction, FIELDS)
    sanction.revoked_on = revoked_on
    sanction.revoke_reason = reason.strip()
    rule = influence_rule(
        sanction.kind, sanction.type, sanction.effective_date, sanction.probation_months
    )
    sanction.influence_until = _until(rule.until, revoked_on)
    sanction.version += 1
    sanction.save()
    old, new = audit.diff(before, audit.snapshot(sanction, FIELDS))
    audit.record(
        action="tolerance.sanction.revoke",
        actor=actor,
        target=sanction,
        before=old,
        after=new,
        detail={"version": sanction.version, "reason": sanction.revoke_reason},
    )
    return sanction


@transaction.atomic
def sanction_delete(*, actor: Any, sanction_id: int) -> Sanction:
    """Soft delete (a record entered by mistake); `sanction_restore` undoes it."""
    sanction = _for_change(actor, sanction_id)
    sanction.deleted_at = timezone.now()
    sanction.save(update_fields=["deleted_at", "updated_at"])
    audit.record(action="tolerance.sanction.delete", actor=actor, target=sanction)
    return sanction


@transaction.atomic
def sanction_restore(*, actor: Any, sanction_id: int) -> Sanction:
    """Undo a soft delete; refused if an identical sanction was recorded meanwhile."""
    sanction = _for_change(actor, sanction_id, deleted=True)
    data = SanctionInput(
        sanction.kind,
        sanction.type,
        sanction.decision_date,
        sanction.effective_date,
        sanction.authority,
        sanction.document_number,
    )
    _check_duplicate(sanction.cadre, data, sanction.pk)
    sanction.deleted_at = None
    sanction.save(update_fields=["deleted_at", "updated_at"])
    audit.record(action="tolerance.sanction.restore", actor=actor, target=sanction)
    return sanction
