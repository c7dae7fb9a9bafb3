"""Forms of the research, 知事识人, special assessment and inaction pages, and their list filters.
Selects offer what the actor may use; the services re-check every id (scope) all the same."""

from typing import Any

from django import forms

from apps.assessment.constants import (
    InactionAdjustment,
    InactionSource,
    ObservationKind,
    TaskRating,
    TeamRating,
)
from apps.assessment.selectors_research import (
    CAMPAIGN_DEFAULT_SORT,
    CAMPAIGN_SORTS,
    INACTION_DEFAULT_SORT,
    INACTION_SORTS,
    RECORD_DEFAULT_SORT,
    RECORD_SORTS,
    SPECIAL_DEFAULT_SORT,
    SPECIAL_SORTS,
    CampaignFilters,
    InactionFilters,
    RecordFilters,
    SpecialFilters,
)
from apps.assessment.services.inaction import UNVERIFIED_NOTE, reason_choices
from apps.assessment.services.research import CampaignInput, ObservationInput, VisitInput
from apps.assessment.services.special import SPECIAL_RESULTS
from apps.assessment.services.tasks import ASPECTS, KeyWorkInput, TaskRecordInput
from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.core.scope import Action
from apps.units.constants import UnitLevel
from apps.units.models import Unit
from apps.units.options import unit_options

TEXTAREA = forms.Textarea(attrs={"rows": 3})
PICK = [("", "请选择")]


def _choice_field(label: str, choices: list[tuple[Any, str]], **kwargs: Any) -> forms.Field:
    return forms.ChoiceField(label=label, choices=PICK + list(choices), **kwargs)


def _unit_select(form: forms.Form, name: str, actor: Any, action: Action, empty: str) -> None:
    """Offer the actor's units (top levels plus the chosen one) in the select `name`."""
    raw = form.data.get(name) or form.initial.get(name)
    chosen = [int(str(raw))] if str(raw or "").isdigit() else []
    field: Any = form.fields[name]
    field.choices = [("", empty), *unit_options(Unit.objects.visible_to(actor, action), chosen)]
    field.error_messages["invalid_choice"] = "所选单位不存在或不在您的数据范围内"


# --- research ------------------------------------------------------------------------------


class CampaignForm(StyledFormMixin, forms.Form):
    """新增调研活动."""

    unit = forms.TypedChoiceField(label="组织单位", coerce=int)
    name = forms.CharField(label="调研名称", max_length=100)
    start_date = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    due_date = forms.DateField(label="完成时限", widget=DATE_WIDGET)
    description = forms.CharField(label="调研重点", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_select(self, "unit", actor, Action.CHANGE, "请选择")

    def to_input(self) -> CampaignInput:
        d = self.cleaned_data
        return CampaignInput(
            unit_id=d["unit"],
            name=d["name"],
            start_date=d["start_date"],
            due_date=d["due_date"],
            description=d.get("description", ""),
        )


class TeamsForm(StyledFormMixin, forms.Form):
    """添加调研对象（逐个选择单位）."""

    units = forms.TypedMultipleChoiceField(
        label="领导班子（单位）",
        coerce=int,
        help_text="可多选（按住 Ctrl 点选）",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due_date = forms.DateField(
        label="应完成日期", required=False, widget=DATE_WIDGET, help_text="空则按调研时限"
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["units"]
        field.choices = unit_options(Unit.objects.visible_to(actor, Action.CHANGE).active())
        field.error_messages["invalid_choice"] = "所选单位不存在或不在您的数据范围内"


class TeamLevelForm(StyledFormMixin, forms.Form):
    """按层级批量添加：某单位下某一层级的全部单位的领导班子."""

    parent = forms.TypedChoiceField(label="上级单位", coerce=int)
    level = _choice_field("单位层级", UnitLevel.choices)
    due_date = forms.DateField(
        label="应完成日期", required=False, widget=DATE_WIDGET, help_text="空则按调研时限"
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_select(self, "parent", actor, Action.CHANGE, "请选择")


class VisitForm(StyledFormMixin, forms.Form):
    """新增调研记录."""

    team = forms.TypedChoiceField(label="领导班子（单位）", coerce=int)
    visited_on = forms.DateField(label="调研日期", widget=DATE_WIDGET)
    visitors = forms.CharField(label="调研人员", max_length=200)
    interviewees = forms.CharField(label="谈话对象", widget=TEXTAREA)
    interview_count = forms.IntegerField(label="谈话人数", min_value=0, initial=0)
    unity = _choice_field("团结协作", TeamRating.choices)
    decision_making = _choice_field("科学决策", TeamRating.choices)
    execution = _choice_field("狠抓落实", TeamRating.choices)
    integrity = _choice_field("廉洁自律", TeamRating.choices)
    team_notes = forms.CharField(label="班子运行情况", required=False, widget=TEXTAREA)
    follow_up = forms.CharField(label="需跟进事项", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["team"]
        field.choices = PICK + teams
        field.error_messages["invalid_choice"] = (
            "所选领导班子不在本次调研对象中，或不在您的数据范围内"
        )

    def to_input(self) -> VisitInput:
        d = self.cleaned_data
        return VisitInput(
            team_id=d["team"],
            visited_on=d["visited_on"],
            visitors=d["visitors"],
            interviewees=d["interviewees"],
            interview_count=d.get("interview_count") or 0,
            unity=d["unity"],
            decision_making=d["decision_making"],
            execution=d["execution"],
            integrity=d["integrity"],
            team_notes=d.get("team_notes", ""),
            follow_up=d.get("follow_up", ""),
        )


class ObservationForm(StyledFormMixin, forms.Form):
    """新增干部调研发现. `cadre` is a plain number (the select offers the team's cadres): the
    service decides on scope and says why a cadre is refused."""

    cadre = forms.IntegerField(label="干部", widget=forms.Select)
    kind = _choice_field("类别", ObservationKind.choices)
    central_task = forms.TypedChoiceField(
        label="相关中心任务", coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(label="具体表现", widget=TEXTAREA)

    def __init__(
        self,
        *args: Any,
        cadres: list[tuple[int, str]],
        tasks: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        widget: Any = self.fields["cadre"].widget
        widget.choices = [("", "请选择"), *cadres]
        self.fields["cadre"].error_messages["required"] = "请选择干部"
        task: Any = self.fields["central_task"]
        task.choices = [("", "（不关联）"), *tasks]
        task.error_messages["invalid_choice"] = "中心任务不存在或不在您的数据范围内"

    def to_input(self) -> ObservationInput:
        d = self.cleaned_data
        return ObservationInput(
            cadre_id=d["cadre"],
            kind=d["kind"],
            text=d["text"],
            central_task_id=d.get("central_task"),
        )


class FollowUpForm(StyledFormMixin, forms.Form):
    follow_up = forms.CharField(label="需跟进事项", required=False, widget=TEXTAREA)


# --- 知事识人 ------------------------------------------------------------------------------


class KeyWorkForm(StyledFormMixin, forms.Form):
    """新增重点工作."""

    unit = forms.TypedChoiceField(label="单位", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="重点工作", max_length=200)
    description = forms.CharField(label="工作目标", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_select(self, "unit", actor, Action.CHANGE, "请选择")

    def to_input(self) -> KeyWorkInput:
        d = self.cleaned_data
        return KeyWorkInput(
            unit_id=d["unit"], year=d["year"], title=d["title"], description=d["description"]
        )


class TaskRecordForm(StyledFormMixin, forms.Form):
    """新增/编辑知事识人记录."""

    central_task = forms.TypedChoiceField(
        label="中心任务", coerce=int, required=False, empty_value=None
    )
    key_work = forms.TypedChoiceField(
        label="重点工作", coerce=int, required=False, empty_value=None
    )
    role = forms.CharField(label="承担角色", max_length=100)
    start_date = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DATE_WIDGET, help_text="仍在承担的留空"
    )
    planning = forms.ChoiceField(label="谋事", required=False)
    planning_evidence = forms.CharField(label="谋事依据", required=False, widget=TEXTAREA)
    execution = forms.ChoiceField(label="干事", required=False)
    execution_evidence = forms.CharField(label="干事依据", required=False, widget=TEXTAREA)
    result = forms.ChoiceField(label="成事", required=False)
    result_evidence = forms.CharField(label="成事依据", required=False, widget=TEXTAREA)
    observations = forms.TypedMultipleChoiceField(
        label="调研印证", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        tasks: list[tuple[int, str]],
        key_work: list[tuple[int, str]],
        observations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["central_task"].choices = [("", "（不是中心任务）"), *tasks]
        fields["key_work"].choices = [("", "（不是重点工作）"), *key_work]
        for aspect in ASPECTS:
            fields[aspect].choices = [("", "未评价"), *TaskRating.choices]
        fields["observations"].choices = observations
        fields["observations"].error_messages["invalid_choice"] = (
            "只能关联本人的、您有权查看的调研发现"
        )
        fields["central_task"].error_messages["invalid_choice"] = (
            "中心任务不存在或不在您的数据范围内"
        )
        fields["key_work"].error_messages["invalid_choice"] = "重点工作不存在或不在您的数据范围内"

    def to_input(self) -> TaskRecordInput:
        d = self.cleaned_data
        return TaskRecordInput(
            role=d["role"],
            start_date=d["start_date"],
            end_date=d.get("end_date"),
            central_task_id=d.get("central_task"),
            key_work_id=d.get("key_work"),
            observation_ids=tuple(d.get("observations") or ()),
            **{
                name: d.get(name, "")
                for aspect in ASPECTS
                for name in (aspect, f"{aspect}_evidence")
            },
        )

    @staticmethod
    def initial_of(record: Any) -> dict[str, Any]:
        names = ["role", "start_date", "end_date", "version"]
        names += [n for aspect in ASPECTS for n in (aspect, f"{aspect}_evidence")]
        initial = {name: getattr(record, name) for name in names}
        initial["central_task"] = record.central_task_id
        initial["key_work"] = record.key_work_id
        initial["observations"] = [o.pk for o in record.observations.all()]
        return initial


# --- special and inaction ------------------------------------------------------------------


class SpecialForm(StyledFormMixin, forms.Form):
    """新增专项考核 (the cadre is picked above the form)."""

    cadre = forms.IntegerField(widget=forms.HiddenInput, required=False)
    central_task = forms.TypedChoiceField(label="中心任务", coerce=int)
    assessed_on = forms.DateField(label="考核日期", widget=DATE_WIDGET)
    result = _choice_field("考核结果", SPECIAL_RESULTS)
    remarks = forms.CharField(label="评价意见", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, tasks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task: Any = self.fields["central_task"]
        task.choices = PICK + tasks
        task.error_messages["invalid_choice"] = "中心任务不存在或不在您的数据范围内"


class InactionForm(StyledFormMixin, forms.Form):
    """新增不作为不担当认定 (the cadre is picked above the form)."""

    cadre = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source = _choice_field("来源", InactionSource.choices)
    found_on = forms.DateField(label="认定日期", widget=DATE_WIDGET)
    reason_code = forms.TypedChoiceField(
        label="不适宜担任现职情形（《推进领导干部能上能下规定》第五条）",
        coerce=int,
        choices=[("", "请选择"), *reason_choices()],
        help_text=UNVERIFIED_NOTE,
    )
    description = forms.CharField(label="具体表现", widget=TEXTAREA)


class DecideForm(StyledFormMixin, forms.Form):
    """调整决定（能上能下）."""

    adjustment = _choice_field("调整方式", InactionAdjustment.choices)
    decided_on = forms.DateField(label="调整决定日期", widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- list filters --------------------------------------------------------------------------

STATUS_CHOICES = [("ongoing", "进行中"), ("ended", "已到期")]
ASPECT_CHOICES = list(ASPECTS.items())
DECIDED_CHOICES = [("yes", "已作出调整决定"), ("no", "尚未决定")]


def _sort(value: str, sorts: dict[str, Any], default: str) -> str:
    return value if value in sorts else default


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label="调研名称", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    sort = forms.CharField(required=False)

    def filters(self) -> CampaignFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        sort = _sort(d["sort"], CAMPAIGN_SORTS, CAMPAIGN_DEFAULT_SORT)
        return CampaignFilters(q=d["q"], status=d["status"], sort=sort)


class RecordFilterForm(forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    central_task = forms.IntegerField(label="中心任务", required=False, min_value=1)
    key_work = forms.IntegerField(label="重点工作", required=False, min_value=1)
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    rating = forms.ChoiceField(label="评价", required=False, choices=TaskRating.choices)
    aspect = forms.ChoiceField(label="评价项", required=False, choices=ASPECT_CHOICES)
    sort = forms.CharField(required=False)

    def filters(self) -> RecordFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return RecordFilters(
            q=d["q"],
            central_task=d["central_task"],
            key_work=d["key_work"],
            unit=d["unit"],
            rating=d["rating"],
            aspect=d["aspect"],
            sort=_sort(d["sort"], RECORD_SORTS, RECORD_DEFAULT_SORT),
        )


class SpecialFilterForm(forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    task = forms.IntegerField(label="中心任务", required=False, min_value=1)
    result = forms.ChoiceField(label="考核结果", required=False, choices=SPECIAL_RESULTS)
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    sort = forms.CharField(required=False)

    def filters(self) -> SpecialFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return SpecialFilters(
            q=d["q"],
            task=d["task"],
            result=d["result"],
            unit=d["unit"],
            sort=_sort(d["sort"], SPECIAL_SORTS, SPECIAL_DEFAULT_SORT),
        )


class InactionFilterForm(forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    source = forms.ChoiceField(label="来源", required=False, choices=InactionSource.choices)
    reason = forms.TypedChoiceField(
        label="情形", required=False, coerce=int, empty_value=None, choices=reason_choices()
    )
    decided = forms.ChoiceField(label="调整决定", required=False, choices=DECIDED_CHOICES)
    sort = forms.CharField(required=False)

    def filters(self) -> InactionFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return InactionFilters(
            q=d["q"],
            source=d["source"],
            reason=d["reason"],
            decided=d["decided"],
            sort=_sort(d["sort"], INACTION_SORTS, INACTION_DEFAULT_SORT),
        )
