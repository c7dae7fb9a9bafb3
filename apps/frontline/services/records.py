"""Writes of frontline service (一线经历) and its evidence, for cadres in the actor's CHANGE scope.

Services created by a dispatch (点将) belong to it: they change only through the dispatch.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.scope import Action
from apps.frontline.constants import TaskKind
from apps.frontline.models import CentralTask, FrontlineEvidence, FrontlineService
from apps.units.models import Unit

DISPATCH_OWNED = "该经历由选派记录自动生成，请在选派记录中调整"
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# Allowed types by extension, with the leading bytes each file must start with (a renamed
# executable is refused); docx and xlsx are ZIP containers.
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
EVIDENCE_TYPES_LABEL = "PDF、JPG、PNG、DOCX、XLSX"
SERVICE_FIELDS = [
    "task",
    "kind",
    "place",
    "place_unit",
    "role",
    "start_date",
    "end_date",
    "high_altitude",
    "border",
    "remote",
    "poverty_county",
    "counts_as_grassroots",
    "performance_notes",
]


@dataclass(frozen=True)
class ServiceInput:
    """What the service form submits; an empty `kind` takes the task's kind."""

    place: str
    role: str
    start_date: date
    end_date: date | None = None
    task_id: int | None = None
    kind: str = ""
    place_unit_id: int | None = None
    high_altitude: bool = False
    border: bool = False
    remote: bool = False
    poverty_county: bool = False
    counts_as_grassroots: bool = False
    performance_notes: str = ""


def _check_dates(cadre: Cadre, data: ServiceInput, today: date, errors: dict[str, str]) -> None:
    if data.start_date > today:
        errors["start_date"] = "开始日期不能晚于今天"
    elif data.start_date < cadre.work_start_date:
        errors["start_date"] = f"开始日期不能早于参加工作时间（{cadre.work_start_date:%Y-%m-%d}）"
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = "结束日期不能早于开始日期"


def _validate(
    actor: Any, cadre: Cadre, data: ServiceInput, today: date
) -> tuple[CentralTask | None, str, Unit | None]:
    """Check the input; return the task, the kind (defaulted from the task) and the place unit."""
    errors: dict[str, str] = {}
    task = None
    if data.task_id is not None:
        visible = CentralTask.objects.visible_to(actor).values("pk")
        task = CentralTask.objects.filter(pk=data.task_id, pk__in=visible).first()
        if task is None:
            errors["task"] = "中心任务不存在或不在您的数据范围内"
    kind = data.kind or (task.kind if task else "")
    if kind not in TaskKind.values:
        errors["kind"] = "请选择一线类别（未关联中心任务时必填）"
    if not data.place.strip():
        errors["place"] = "请填写工作地点"
    if not data.role.strip():
        errors["role"] = "请填写担任角色"
    place_unit = None
    if data.place_unit_id is not None:
        place_unit = Unit.objects.visible_to(actor).filter(pk=data.place_unit_id).first()
        if place_unit is None:
            errors["place_unit"] = "所选单位不存在或不在您的数据范围内"
    _check_dates(cadre, data, today, errors)
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid_service", fields=errors)
    return task, kind, place_unit


def _apply(
    service: FrontlineService,
    data: ServiceInput,
    task: CentralTask | None,
    kind: str,
    place_unit: Unit | None,
) -> None:
    service.task = task
    service.kind = kind
    service.place = data.place.strip()
    service.place_unit = place_unit
    service.role = data.role.strip()
    service.start_date = data.start_date
    service.end_date = data.end_date
    service.high_altitude = data.high_altitude
    service.border = data.border
    service.remote = data.remote
    service.poverty_county = data.poverty_county
    service.counts_as_grassroots = data.counts_as_grassroots
    service.performance_notes = data.performance_notes.strip()


def _snapshot(service: FrontlineService) -> dict[str, Any]:
    return audit.snapshot(service, SERVICE_FIELDS)


@transaction.atomic
def service_add(
    *, actor: Any, cadre_id: int, data: ServiceInput, today: date | None = None
) -> FrontlineService:
    """Record a frontline service for a cadre in the actor's CHANGE scope (audited)."""
    cadre = cadre_for_change(actor, cadre_id)
    task, kind, place_unit = _validate(actor, cadre, data, today or timezone.localdate())
    service = FrontlineService(cadre=cadre, created_by=actor)
    _apply(service, data, task, kind, place_unit)
    service.save()
    audit.record(
        action="frontline.service.add",
        actor=actor,
        target=service,
        after=_snapshot(service),
        detail={"cadre": cadre.pk},
    )
    return service


def service_for_change(
    actor: Any, service_id: int, *, include_deleted: bool = False
) -> FrontlineService:
    """The service locked for a change, if its cadre is in the actor's CHANGE scope."""
    service = (
        FrontlineService.objects.visible_to(actor, Action.CHANGE, include_deleted=include_deleted)
        .select_for_update(of=("self",))
        .select_related("cadre")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise OutOfScopeError()
    return service


def _refuse_dispatch_owned(service: FrontlineService) -> None:
    if service.dispatch_id is not None:
        raise DomainError(DISPATCH_OWNED, code="dispatch_owned")


@transaction.atomic
def service_update(
    *, actor: Any, service_id: int, data: ServiceInput, today: date | None = None
) -> FrontlineService:
    """Edit a hand-entered service (audited with the fields that changed)."""
    service = service_for_change(actor, service_id)
    _refuse_dispatch_owned(service)
    task, kind, place_unit = _validate(actor, service.cadre, data, today or timezone.localdate())
    before = _snapshot(service)
    _apply(service, data, task, kind, place_unit)
    service.save()
    old, new = audit.diff(before, _snapshot(service))
    audit.record(
        action="frontline.service.update",
        actor=actor,
        target=service,
        before=old,
        after=new,
        detail={"cadre": service.cadre_id},
    )
    return service


@transaction.atomic
def service_delete(*, actor: Any, service_id: int) -> FrontlineService:
    """Soft delete; `service_restore` undoes it."""
    service = service_for_change(actor, service_id)
    _refuse_dispatch_owned(service)
    service.deleted_at = timezone.now()
    service.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="frontline.service.delete",
        actor=actor,
        target=service,
        detail={"cadre": service.cadre_id},
    )
    return service


@transaction.atomic
def service_restore(*, actor: Any, service_id: int) -> FrontlineService:
    """Undo a soft delete."""
    service = service_for_change(actor, service_id, include_deleted=True)
    if service.deleted_at is None:
        raise OutOfScopeError("没有可恢复的记录")
    service.deleted_at = None
    service.save(update_fields=["deleted_at", "updated_at"])
    audit.record(
        action="frontline.service.restore",
        actor=actor,
        target=service,
        detail={"cadre": service.cadre_id},
    )
    return service


def _check_upload(upload: UploadedFile) -> str:
    """The file's extension if its type and size are allowed; else a DomainError."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_SIGNATURES:
        message = f"不支持的文件类型，仅可上传{EVIDENCE_TYPES_LABEL}文件"
        raise DomainError(message, code="evidence_type", fields={"file": message})
    if (upload.size or 0) > MAX_EVIDENCE_BYTES:
        message = "文件不能超过20MB"
        raise DomainError(message, code="evidence_size", fields={"file": message})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES[ext]):
        message = f"文件内容与扩展名（.{ext}）不符，请上传真实的{EVIDENCE_TYPES_LABEL}文件"
        raise DomainError(message, code="evidence_type", fields={"file": message})
    return ext


@transaction.atomic
def evidence_add(*, actor: Any, service_id: int, upload: UploadedFile) -> FrontlineEvidence:
    """Attach a supporting document (≤ 20 MB; PDF, JPG, PNG, DOCX or XLSX) to a service."""
    service = service_for_change(actor, service_id)
    ext = _check_upload(upload)
    display = (upload.name or f"佐证材料.{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    evidence = FrontlineEvidence(service=service, name=display, uploaded_by=actor)
    # Stored under a random name: the original name is kept for display only.
    evidence.file.save(f"{uuid4().hex}.{ext}", upload, save=False)
    evidence.save()
    audit.record(
        action="frontline.evidence.add",
        actor=actor,
        target=evidence,
        detail={"service": service.pk, "cadre": service.cadre_id, "size": upload.size},
    )
    return evidence


def evidence_open(*, actor: Any, evidence_id: int) -> FrontlineEvidence:
    """An evidence file for download through the scope check; the read is audited, a refused
    id too (as denied) before the caller answers 404."""
    evidence = (
        FrontlineEvidence.objects.visible_to(actor)
        .filter(pk=evidence_id, service__deleted_at__isnull=True)
        .select_related("service")
        .first()
    )
    if evidence is None:
        audit.record(
            action="frontline.evidence.download",
            actor=actor,
            target_type="frontline.frontlineevidence",
            target_id=evidence_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(
        action="frontline.evidence.download",
        actor=actor,
        target=evidence,
        detail={"service": evidence.service_id, "cadre": evidence.service.cadre_id},
    )
    return evidence
