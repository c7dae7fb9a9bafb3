"""Writes of special assessment (专项考核) tied to a central task (ASM-36-1: 平时考核、专项考核和
定期考核; 黑龙江: special assessment of poverty alleviation)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.assessment.constants import AnnualGrade
from apps.assessment.models import SpecialAssessment
from apps.cadres.services import cadre_for_change
from apps.core import audit
from apps.core.exceptions import DomainError
from apps.frontline.models import CentralTask

# 专项考核 gives one of the four grades; 不定等次 belongs to the annual assessment (ASM-DIS-1).
SPECIAL_RESULTS = [(v, label) for v, label in AnnualGrade.choices if v != AnnualGrade.NOT_GRADED]
SPECIAL_FIELDS = ["cadre", "central_task", "assessed_on", "result", "remarks"]


@transaction.atomic
def special_add(
    *,
    actor: Any,
    cadre_id: int,
    central_task_id: int,
    assessed_on: date,
    result: str,
    remarks: str = "",
    today: date | None = None,
) -> SpecialAssessment:
    """Record a special assessment of a cadre in the actor's CHANGE scope on a central task the
    actor can see; one per cadre, task and day (audited)."""
    cadre = cadre_for_change(actor, cadre_id)
    errors: dict[str, str] = {}
    visible = CentralTask.objects.visible_to(actor).values("pk")
    task = CentralTask.objects.filter(pk=central_task_id, pk__in=visible).first()
    if task is None:
        errors["central_task"] = "中心任务不存在或不在您的数据范围内"
    if result not in dict(SPECIAL_RESULTS):
        errors["result"] = "请选择考核结果"
    if assessed_on > (today or timezone.localdate()):
        errors["assessed_on"] = "考核日期不能晚于今天"
    elif (
        task is not None
        and SpecialAssessment.objects.filter(
            cadre=cadre, central_task=task, assessed_on=assessed_on
        ).exists()
    ):
        errors["assessed_on"] = f"{cadre.name}在该日期已有“{task.name}”的专项考核记录"
    if errors or task is None:
        raise DomainError("；".join(errors.values()), code="invalid_special", fields=errors)
    special = SpecialAssessment.objects.create(
        cadre=cadre,
        central_task=task,
        assessed_on=assessed_on,
        result=result,
        remarks=remarks.strip(),
        entered_by=actor,
    )
    audit.record(
        action="assessment.special.add",
        actor=actor,
        target=special,
        after=audit.snapshot(special, SPECIAL_FIELDS),
        detail={"cadre": cadre.pk},
    )
    return special
