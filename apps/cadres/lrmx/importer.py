"""`import_person(parsed, …) -> Cadre`: create or update a cadre from a parsed file.

One transaction per person, through the cadre services (their rules, scope re-check and audit):
- a cadre is matched by the keyed hash of its id number, inside the actor's change scope; with
  `update_existing` it is updated, otherwise refused. Without an id number a new cadre is made.
  A match in the trash is refused (restore it first); a number registered outside the actor's
  scope is refused by the services' uniqueness rule, naming no one.
- create: the cadre goes to the chosen unit and 管理权限 (inside the actor's change scope).
  update: unit and 管理权限 stay as they are (moving a cadre is an edit, not an import); only
  the fields the file carries are written, unchanged values are left alone.
- parts: 简历 and 家庭成员 are replaced by the file's (the file holds the complete lists), left
  alone when identical; 学历学位 are merged, because the file holds only the highest of each
  kind: an entry of the same kind and 学历 is updated, another one is added, none is deleted.
- 现任职务 is derived from 任职 records; the file's text is kept only while the cadre has none.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.cadres import identity, services
from apps.cadres.constants import PoliticalStatus
from apps.cadres.models import Appointment, Cadre, Education, FamilyMember, ResumeEntry
from apps.core import audit
from apps.core.exceptions import DomainError
from apps.core.scope import Action, rules_for
from apps.units.models import Unit

from . import values
from .person import ParsedEducation, ParsedPerson

OUT_OF_SCOPE_UNIT = "所选单位或干部管理权限不在您的数据范围内"
_SIMPLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "native_place",
    "birthplace",
    "work_start_date",
    "health",
    "professional_title",
    "expertise",
    "proposed_post",
    "proposed_removal",
)


@dataclass(frozen=True)
class ImportResult:
    cadre: Cadre
    created: bool
    changed: list[str] = field(default_factory=list)  # Chinese labels of what an update changed


def check_target(actor: Any, unit_id: int | None, managed_by: str) -> Unit:
    """The chosen unit, if it and the 管理权限 lie inside the actor's change scope."""
    units = Unit.objects.visible_to(actor, Action.CHANGE).active()
    unit = units.filter(pk=unit_id).first() if unit_id is not None else None
    allowed = unit is not None and any(
        unit.path.startswith(rule.path) and managed_by in rule.managed_levels
        for rule in rules_for(actor, Action.CHANGE)
    )
    if unit is None or not allowed or managed_by not in ManagedBy.values:
        raise DomainError(
            OUT_OF_SCOPE_UNIT, code="out_of_scope_unit", fields={"unit": OUT_OF_SCOPE_UNIT}
        )
    return unit


def _existing(actor: Any, parsed: ParsedPerson) -> Cadre | None:
    if not parsed.id_number:
        return None
    digest = identity.search_hash(parsed.id_number)
    found = Cadre.objects.visible_to(actor, Action.CHANGE).filter(id_number_hash=digest).first()
    if found is None and (
        Cadre.objects.visible_to(actor, Action.CHANGE, include_deleted=True)
        .filter(id_number_hash=digest, deleted_at__isnull=False)
        .exists()
    ):
        raise DomainError(
            "该干部（身份证号相同）在回收站中，请先在回收站恢复后再导入", code="lrmx_in_trash"
        )
    return found


def _party(parsed: ParsedPerson, existing: Cadre | None) -> dict[str, Any]:
    """Blank 入党时间 states nothing: a new cadre is 群众, an existing one keeps its status."""
    status = parsed.political_status
    if not status:
        return (
            {} if existing else {"political_status": PoliticalStatus.NONE, "party_join_date": None}
        )
    if (
        existing
        and status == PoliticalStatus.CPC
        and existing.political_status == PoliticalStatus.CPC_PROBATIONARY
    ):
        status = PoliticalStatus.CPC_PROBATIONARY  # the file cannot tell 预备 from 正式
    return {"political_status": status, "party_join_date": parsed.party_join_date}


def _same_photo(cadre: Cadre, content: bytes) -> bool:
    if not cadre.photo:
        return False
    try:
        with cadre.photo.open("rb") as handle:
            return bool(handle.read() == content)
    except OSError:
        return False


def _cadre_data(parsed: ParsedPerson, existing: Cadre | None) -> dict[str, Any]:
    """The fields to write (photo aside): all the file carries for a new cadre, only the
    changes otherwise."""
    data: dict[str, Any] = {f: getattr(parsed, f) for f in _SIMPLE_FIELDS if f in parsed.present}
    data |= _party(parsed, existing)
    if existing is None:
        return data | ({"id_number": parsed.id_number} if parsed.id_number else {})
    return {k: v for k, v in data.items() if getattr(existing, k) != v}


def _sync_educations(actor: Any, cadre: Cadre, parsed: list[ParsedEducation]) -> bool:
    current = list(Education.objects.visible_to(actor, Action.CHANGE).filter(cadre=cadre))
    changed = False
    for entry in parsed:
        match = next((e for e in current if (e.mode, e.level) == (entry.mode, entry.level)), None)
        if match is None:
            data = {k: getattr(entry, k) for k in ("mode", "level", "degree", "school", "major")}
            services.education_add(actor=actor, cadre_id=cadre.pk, data=data)
            changed = True
            continue
        old_text = values.school_major_text(match.school, match.major)
        if match.degree == entry.degree and old_text == values.school_major_text(
            entry.school, entry.major
        ):
            continue
        before = audit.snapshot(match)
        match.degree, match.school, match.major = entry.degree, entry.school, entry.major
        match.save(update_fields=["degree", "school", "major", "updated_at"])
        audit.record(
            action="cadre.education.update",
            actor=actor,
            target=cadre,
            before=before,
            after=audit.snapshot(match),
        )
        changed = True
    return changed


def _sync_resume(actor: Any, cadre: Cadre, parsed: ParsedPerson) -> bool:
    rows = ResumeEntry.objects.visible_to(actor, Action.CHANGE).filter(cadre=cadre)
    current = list(rows)
    wanted = [(r.start, r.end, r.text) for r in parsed.resume]
    if [(r.start_date, r.end_date, r.text) for r in current] == wanted:
        return False
    if current:
        rows.delete()
        audit.record(
            action="cadre.resume.replace",
            actor=actor,
            target=cadre,
            before=[audit.snapshot(r) for r in current],
            detail={"count": len(wanted)},
        )
    for start, end, text in wanted:
        data = {"start_date": start, "end_date": end, "text": text}
        services.resume_add(actor=actor, cadre_id=cadre.pk, data=data)
    return True


def _sync_family(actor: Any, cadre: Cadre, parsed: ParsedPerson) -> bool:
    rows = FamilyMember.objects.visible_to(actor, Action.CHANGE).filter(cadre=cadre)
    current = list(rows)
    keys = ("relation", "name", "birth_date", "political_status", "work_unit_and_post")
    wanted = [{k: getattr(m, k) for k in keys} for m in parsed.family]
    if [{k: getattr(m, k) for k in keys} for m in current] == wanted:
        return False
    if current:
        rows.delete()
        audit.record(
            action="cadre.family.replace",
            actor=actor,
            target=cadre,
            before=[audit.snapshot(m) for m in current],
            detail={"count": len(wanted)},
        )
    for data in wanted:
        services.family_add(actor=actor, cadre_id=cadre.pk, data=data)
    return True


def _sync_current_post(actor: Any, cadre: Cadre, parsed: ParsedPerson, today: date) -> bool:
    if "current_post" not in parsed.present:
        return False
    holding = Appointment.objects.visible_to(actor, Action.CHANGE).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), cadre=cadre, start_date__lte=today
    )
    cadre.refresh_from_db()
    if holding.exists() or cadre.current_post_title == parsed.current_post:
        return False
    cadre.current_post_title = parsed.current_post
    cadre.save(update_fields=["current_post_title", "updated_at"])
    return True


@transaction.atomic
def import_person_result(
    parsed: ParsedPerson,
    *,
    actor: Any,
    unit_id: int | None,
    managed_by: str,
    update_existing: bool,
    source: str = "",
    with_photo: bool = True,
) -> ImportResult:
    """`import_person`, also telling whether the cadre was created and what an update changed."""
    unit = check_target(actor, unit_id, managed_by)
    existing = _existing(actor, parsed)
    if existing is not None and not update_existing:
        raise DomainError(
            "系统中已有该干部（身份证号相同）；如需用文件内容更新，请勾选“已存在时更新”",
            code="lrmx_exists",
        )
    today = timezone.localdate()
    data = _cadre_data(parsed, existing)
    labels = {f.name: str(f.verbose_name) for f in Cadre._meta.concrete_fields}
    changed = [labels[k] for k in data] if existing else []
    new_photo = bool(parsed.photo) and not (existing and _same_photo(existing, parsed.photo or b""))
    if new_photo:
        changed.append("照片")
        if with_photo:
            data["photo"] = ContentFile(parsed.photo or b"", name=f"lrmx.{parsed.photo_ext}")
    if existing is None:
        data |= {"unit": unit, "managed_by": managed_by}
        cadre = services.cadre_create(actor=actor, data=data, today=today)
    elif data:
        cadre = services.cadre_update(
            actor=actor,
            cadre_id=existing.pk,
            expected_version=existing.version,
            data=data,
            today=today,
        )
    else:
        cadre = existing
    parts = (
        ("学历学位", _sync_educations(actor, cadre, parsed.educations)),
        ("简历", "resume" in parsed.present and _sync_resume(actor, cadre, parsed)),
        ("家庭成员", "family" in parsed.present and _sync_family(actor, cadre, parsed)),
        ("现任职务", _sync_current_post(actor, cadre, parsed, today)),
    )
    changed = changed + [label for label, done in parts if done] if existing else []
    cadre.refresh_from_db()
    audit.record(
        action="cadre.lrmx_import",
        actor=actor,
        target=cadre,
        detail={
            "created": existing is None,
            "source": source,
            "format": parsed.source,
            "changed": changed,
            "warnings": parsed.warnings,
        },
    )
    return ImportResult(cadre, existing is None, changed)


def import_person(
    parsed: ParsedPerson,
    *,
    actor: Any,
    unit_id: int | None,
    managed_by: str,
    update_existing: bool,
    source: str = "",
) -> Cadre:
    """Create the parsed cadre in `unit_id` / `managed_by`, or update the one with the same id
    number (when `update_existing`); all in one audited transaction. Raises DomainError."""
    return import_person_result(
        parsed,
        actor=actor,
        unit_id=unit_id,
        managed_by=managed_by,
        update_existing=update_existing,
        source=source,
    ).cadre


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def preview_import(
    parsed: ParsedPerson, *, actor: Any, unit_id: int | None, managed_by: str, update_existing: bool
) -> ImportResult:
    """What `import_person` would do, run with every rule and rolled back (photo not stored).
    The returned cadre is not saved; use only its values and `created` / `changed`."""
    try:
        with transaction.atomic():
            result = import_person_result(
                parsed,
                actor=actor,
                unit_id=unit_id,
                managed_by=managed_by,
                update_existing=update_existing,
                with_photo=False,
            )
            raise _DryRun(result)
    except _DryRun as done:
        return done.result
