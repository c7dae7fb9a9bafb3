"""Forms of the task and frontline-service pages: the edit forms and the list filters."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.core.scope import Action
from apps.frontline.constants import Hardship, TaskKind
from apps.frontline.models import CentralTask
from apps.frontline.selectors import (
    SERVICE_DEFAULT_SORT,
    SERVICE_SORTS,
    TASK_DEFAULT_SORT,
    TASK_SORTS,
    ServiceFilters,
    TaskFilters,
)
from apps.frontline.services.records import (
    EVIDENCE_SIGNATURES,
    EVIDENCE_TYPES_LABEL,
    ServiceInput,
)
from apps.frontline.services.tasks import TaskInput
from apps.units.models import Unit
from apps.units.options import unit_options

MAX_TASK_OPTIONS = 300


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    return [int(v) for v in values if str(v).isdigit()]


class TaskForm(StyledFormMixin, forms.Form):
    """新增/编辑中心任务."""

    name = forms.CharField(label="任务名称", max_length=100)
    kind = forms.ChoiceField(label="任务类别", choices=[("", "请选择"), *TaskKind.choices])
    lead_unit = forms.TypedChoiceField(label="牵头单位", coerce=int)
    participating_units = forms.TypedMultipleChoiceField(
        label="参与单位",
        coerce=int,
        required=False,
        help_text="可多选（按住 Ctrl 点选）",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    start_date = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DATE_WIDGET, help_text="仍在进行的留空"
    )
    description = forms.CharField(
        label="任务说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead: Any = self.fields["lead_unit"]
        chosen_lead = _ids(self.data.get("lead_unit") or self.initial.get("lead_unit"))
        lead.choices = [
            ("", "请选择"),
            *unit_options(Unit.objects.visible_to(actor, Action.CHANGE).active(), chosen_lead),
        ]
        lead.error_messages["invalid_choice"] = "牵头单位不存在或不在您的数据范围内"
        units: Any = self.fields["participating_units"]
        chosen = _ids(
            self.data.getlist("participating_units")
            if self.is_bound and hasattr(self.data, "getlist")
            else self.initial.get("participating_units", [])
        )
        units.choices = unit_options(Unit.objects.visible_to(actor).active(), chosen)
        units.error_messages["invalid_choice"] = "所选参与单位不存在或不在您的数据范围内"

    def to_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            name=data["name"],
            kind=data["kind"],
            lead_unit_id=data["lead_unit"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            description=data.get("description", ""),
            participating_unit_ids=tuple(data.get("participating_units") or ()),
        )

    @staticmethod
    def initial_of(task: CentralTask) -> dict[str, Any]:
        return {
            "name": task.name,
            "kind": task.kind,
            "lead_unit": task.lead_unit_id,
            "participating_units": [u.pk for u in task.participating_units.all()],
            "start_date": task.start_date,
            "end_date": task.end_date,
            "description": task.description,
            "version": task.version,
        }


class ServiceForm(StyledFormMixin, forms.Form):
    """新增/编辑一线经历."""

    task = forms.TypedChoiceField(label="中心任务", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label="一线类别",
        required=False,
        choices=[("", "同中心任务类别"), *TaskKind.choices],
        help_text="未关联中心任务时必选",
    )
    place = forms.CharField(label="工作地点", max_length=100)
    place_unit = forms.TypedChoiceField(
        label="所在单位/地区", coerce=int, required=False, empty_value=None
    )
    role = forms.CharField(label="担任角色", max_length=100)
    start_date = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DATE_WIDGET, help_text="仍在一线的留空"
    )
    high_altitude = forms.BooleanField(label=Hardship.HIGH_ALTITUDE.label, required=False)
    border = forms.BooleanField(label=Hardship.BORDER.label, required=False)
    remote = forms.BooleanField(label=Hardship.REMOTE.label, required=False)
    poverty_county = forms.BooleanField(label=Hardship.POVERTY_COUNTY.label, required=False)
    counts_as_grassroots = forms.BooleanField(
        label="计入基层工作经历", required=False, help_text="FRONT-4：由组织部门按认定口径确定"
    )
    performance_notes = forms.CharField(
        label="表现情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task: Any = self.fields["task"]
        visible = CentralTask.objects.visible_to(actor).values("pk")
        tasks = CentralTask.objects.filter(pk__in=visible).order_by("-start_date", "id")
        task.choices = [("", "（不关联中心任务）")] + [
            (t.pk, f"{t.name}（{t.start_date:%Y-%m-%d}起）")
            for t in tasks.only("pk", "name", "start_date")[:MAX_TASK_OPTIONS]
        ]
        chosen = _ids(self.data.get("task") or self.initial.get("task"))
        if chosen and all(pk != chosen[0] for pk, _ in task.choices[1:]):
            task.choices += [(t.pk, t.name) for t in tasks.filter(pk=chosen[0])]
        task.error_messages["invalid_choice"] = "中心任务不存在或不在您的数据范围内"
        place: Any = self.fields["place_unit"]
        chosen_unit = _ids(self.data.get("place_unit") or self.initial.get("place_unit"))
        place.choices = [
            ("", "（不选）"),
            *unit_options(Unit.objects.visible_to(actor).active(), chosen_unit),
        ]
        place.error_messages["invalid_choice"] = "所选单位不存在或不在您的数据范围内"

    def to_input(self) -> ServiceInput:
        data = self.cleaned_data
        return ServiceInput(
            place=data["place"],
            role=data["role"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            task_id=data.get("task"),
            kind=data.get("kind") or "",
            place_unit_id=data.get("place_unit"),
            high_altitude=data.get("high_altitude", False),
            border=data.get("border", False),
            remote=data.get("remote", False),
            poverty_county=data.get("poverty_county", False),
            counts_as_grassroots=data.get("counts_as_grassroots", False),
            performance_notes=data.get("performance_notes", ""),
        )

    @staticmethod
    def initial_of(service: Any) -> dict[str, Any]:
        return {
            "task": service.task_id,
            "kind": service.kind,
            "place": service.place,
            "place_unit": service.place_unit_id,
            "role": service.role,
            "start_date": service.start_date,
            "end_date": service.end_date,
            "high_altitude": service.high_altitude,
            "border": service.border,
            "remote": service.remote,
            "poverty_county": service.poverty_county,
            "counts_as_grassroots": service.counts_as_grassroots,
            "performance_notes": service.performance_notes,
        }


class EvidenceForm(StyledFormMixin, forms.Form):
    """上传佐证材料."""

    file = forms.FileField(
        label="佐证材料",
        help_text=f"支持{EVIDENCE_TYPES_LABEL}，单个文件不超过20MB",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_SIGNATURES)}
        ),
    )


# --- list filters --------------------------------------------------------------------------

TASK_STATUS_CHOICES = [("ongoing", "进行中"), ("ended", "已结束")]
HARDSHIP_CHOICES = [("any", "任一艰苦边远情形"), *Hardship.choices]


class TaskFilterForm(forms.Form):
    """Filters of the task list; `filters()` is None when the input is invalid."""

    q = forms.CharField(label="任务名称", required=False, max_length=50)
    kind = forms.ChoiceField(label="任务类别", required=False, choices=TaskKind.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=TASK_STATUS_CHOICES)
    sort = forms.CharField(required=False)

    def filters(self) -> TaskFilters | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in TASK_SORTS else TASK_DEFAULT_SORT
        return TaskFilters(kind=data["kind"], status=data["status"], q=data["q"], sort=sort)


class ServiceFilterForm(forms.Form):
    """Filters of the 一线干部 list; `filters()` is None when the input is invalid."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    task = forms.IntegerField(label="中心任务", required=False, min_value=1)
    kind = forms.ChoiceField(label="一线类别", required=False, choices=TaskKind.choices)
    hardship = forms.ChoiceField(label="艰苦边远", required=False, choices=HARDSHIP_CHOICES)
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    serving = forms.BooleanField(label="仍在一线", required=False)
    sort = forms.CharField(required=False)

    def filters(self) -> ServiceFilters | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in SERVICE_SORTS else SERVICE_DEFAULT_SORT
        return ServiceFilters(
            task=data["task"],
            kind=data["kind"],
            hardship=data["hardship"],
            unit=data["unit"],
            serving=bool(data["serving"]),
            q=data["q"],
            sort=sort,
        )
