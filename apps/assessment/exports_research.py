"""Excel exports of the research, 知事识人, special assessment and inaction lists (registered with
apps.core.exports), each scoped to the actor exactly like its page."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.assessment import selectors_research as sel
from apps.assessment.forms_research import (
    CampaignFilterForm,
    InactionFilterForm,
    RecordFilterForm,
    SpecialFilterForm,
)
from apps.assessment.services.inaction import has_inaction_pillar, reason_label
from apps.core.exports import ExportTable, ListExport, register

BATCH = 500


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _may_export_inaction(actor: Any) -> bool:
    return _may_export(actor) and has_inaction_pillar(actor)


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _batches(queryset: Any) -> Iterator[list[Any]]:
    """The rows in pk batches of the queryset's order (constant memory for large lists)."""
    ids = list(queryset.values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        rows = {r.pk: r for r in queryset.order_by().filter(pk__in=chunk)}
        yield [rows[pk] for pk in chunk if pk in rows]


def _campaign_id(query: QueryDict) -> int | None:
    raw = query.get("campaign", "")
    return int(raw) if raw.isdigit() else None


def build_campaign_teams(actor: Any, query: QueryDict) -> ExportTable:
    """Coverage: each team of the campaigns in the list (or of `campaign`) inside the scope."""
    today = timezone.localdate()
    campaigns = sel.campaign_list(
        actor=actor, filters=CampaignFilterForm(query).filters(), today=today
    )
    chosen = _campaign_id(query)
    if chosen is not None:
        campaigns = campaigns.filter(pk=chosen)
    names = {c.pk: (c.name, c.unit.name) for c in campaigns}
    rows = sel.team_rows(actor=actor, campaign_ids=list(names), today=today)
    order = {pk: i for i, pk in enumerate(names)}
    rows.sort(key=lambda r: order[r.campaign_id])
    headers = ["调研名称", "组织单位", "领导班子", "应完成日期", "调研次数", "最近调研日期", "状态"]
    cells = (
        [
            *names[r.campaign_id],
            r.team_name,
            _d(r.due),
            r.visits,
            _d(r.last_visit),
            r.status,
        ]
        for r in rows
    )
    return ExportTable(headers=headers, rows=cells, total=len(rows))


def build_visits(actor: Any, query: QueryDict) -> ExportTable:
    """Visits to teams inside the scope (of `campaign` when given)."""
    qs = sel.visit_list(actor=actor, campaign_id=_campaign_id(query))
    headers = [
        "调研名称",
        "领导班子",
        "调研日期",
        "调研人员",
        "谈话人数",
        "团结协作",
        "科学决策",
        "狠抓落实",
        "廉洁自律",
        "需跟进事项",
        "干部调研发现（条）",
    ]

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for v in batch:
                yield [
                    v.campaign.name if v.campaign else "",
                    v.team.name,
                    _d(v.visited_on),
                    v.visitors,
                    v.interview_count,
                    v.get_unity_display(),
                    v.get_decision_making_display(),
                    v.get_execution_display(),
                    v.get_integrity_display(),
                    v.follow_up,
                    v.observation_count,
                ]

    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_taskrecords(actor: Any, query: QueryDict) -> ExportTable:
    qs = sel.taskrecord_list(actor=actor, filters=RecordFilterForm(query).filters())
    headers = ["姓名", "单位", "事项类别", "事项", "承担角色", "开始日期", "结束日期"]
    headers += ["谋事", "谋事依据", "干事", "干事依据", "成事", "成事依据"]

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for r in batch:
                yield [
                    r.cadre.name,
                    r.cadre.unit.name,
                    "中心任务" if r.central_task_id else "重点工作",
                    str(r.central_task or r.key_work),
                    r.role,
                    _d(r.start_date),
                    _d(r.end_date) or "至今",
                    r.get_planning_display(),
                    r.planning_evidence,
                    r.get_execution_display(),
                    r.execution_evidence,
                    r.get_result_display(),
                    r.result_evidence,
                ]

    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_special(actor: Any, query: QueryDict) -> ExportTable:
    qs = sel.special_list(actor=actor, filters=SpecialFilterForm(query).filters())
    headers = ["姓名", "单位", "中心任务", "考核日期", "考核结果", "评价意见"]

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for s in batch:
                yield [
                    s.cadre.name,
                    s.cadre.unit.name,
                    s.central_task.name,
                    _d(s.assessed_on),
                    s.get_result_display(),
                    s.remarks,
                ]

    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_inaction(actor: Any, query: QueryDict) -> ExportTable:
    """Only findings the actor holds the `inaction` pillar for (none without it)."""
    qs = sel.inaction_list(actor=actor, filters=InactionFilterForm(query).filters())
    headers = ["姓名", "单位", "来源", "认定日期", "不适宜担任现职情形", "具体表现"]
    headers += ["调整方式", "调整决定日期"]

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for f in batch:
                yield [
                    f.cadre.name,
                    f.cadre.unit.name,
                    f.get_source_display(),
                    _d(f.found_on),
                    reason_label(f.reason_code),
                    f.description,
                    f.get_adjustment_display() or "尚未决定",
                    _d(f.decided_on),
                ]

    return ExportTable(headers=headers, rows=rows(), total=qs.count())


for _export in (
    ListExport(
        name="assessment-campaign-teams",
        title="调研覆盖情况",
        target_type="assessment.campaignteam",
        build=build_campaign_teams,
        may_export=_may_export,
    ),
    ListExport(
        name="assessment-visits",
        title="调研记录",
        target_type="assessment.researchvisit",
        build=build_visits,
        may_export=_may_export,
    ),
    ListExport(
        name="assessment-taskrecords",
        title="知事识人记录",
        target_type="assessment.taskrecord",
        build=build_taskrecords,
        may_export=_may_export,
    ),
    ListExport(
        name="assessment-special",
        title="专项考核结果",
        target_type="assessment.specialassessment",
        build=build_special,
        may_export=_may_export,
    ),
    ListExport(
        name="assessment-inaction",
        title="不作为不担当认定",
        target_type="assessment.inactionfinding",
        build=build_inaction,
        may_export=_may_export_inaction,
    ),
):
    register(_export)
