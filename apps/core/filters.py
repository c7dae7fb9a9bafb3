"""Reads for the auditor's pages: the audit-log filter, readable diffs, export and chain check."""

import io
import json
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook

from . import audit
from .exceptions import DomainError
from .models import AuditEvent, AuditOutcome

MAX_EXPORT_ROWS = 50_000

# Chinese names of the actions written across the apps; unknown codes show as they are.
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.token.create": "签发接口访问令牌",
    "auth.token.revoke": "吊销接口访问令牌",
    "auth.token.failed": "接口访问令牌无效",
    "access.denied": "越权访问被拒绝",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计日志",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.activate": "启用用户",
    "user.deactivate": "停用用户",
    "user.unlock": "解除锁定",
    "user.password_reset": "重置密码",
    "user.password_change": "修改本人密码",
    "user.role": "设置角色",
    "grant.create": "授予数据范围",
    "grant.delete": "撤销数据范围",
    "unit.created": "设立单位",
    "unit.renamed": "单位更名",
    "unit.moved": "调整隶属关系",
    "unit.merged": "单位合并",
    "unit.quota": "核定职数",
    "cadre.view": "查看干部",
    "cadre.create": "新增干部",
    "cadre.update": "修改干部",
    "cadre.delete": "删除干部",
    "cadre.restore": "恢复干部",
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return f"{label}（{code}）" if label else code


class IPFilter(django_filters.Filter):
    """Exact IP address (validated first: PostgreSQL's inet column refuses other text)."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(django_filters.FilterSet):
    """Filters of the audit log; action and target-type choices come from the stored events."""

    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="开始日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="结束日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="icontains", label="操作人"
    )
    action = django_filters.ChoiceFilter(label="事件", empty_label="全部")
    outcome = django_filters.ChoiceFilter(
        choices=AuditOutcome.choices, label="结果", empty_label="全部"
    )
    target_type = django_filters.ChoiceFilter(label="对象类型", empty_label="全部")
    target_id = django_filters.CharFilter(label="对象编号")
    ip = IPFilter(label="IP地址")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = AuditEvent.objects.order_by()
        actions = base.values_list("action", flat=True).distinct()
        types = base.exclude(target_type="").values_list("target_type", flat=True).distinct()
        self.filters["action"].extra["choices"] = [(a, action_label(a)) for a in sorted(actions)]
        self.filters["target_type"].extra["choices"] = [(t, type_label(t)) for t in sorted(types)]
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean_date_range(self) -> None:
        data = self.form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.form.add_error("date_to", "结束日期不能早于开始日期")


def audit_event_list(*, params: QueryDict | dict[str, Any]) -> tuple[QuerySet[Any], Any]:
    """Filtered events, newest first, and the bound filter (its form carries the errors)."""
    flt = AuditEventFilter(params, queryset=AuditEvent.objects.all())
    valid = flt.is_valid()
    if valid:
        flt.clean_date_range()
        valid = not flt.form.errors
    qs = flt.qs if valid else AuditEvent.objects.none()
    return qs.order_by("-id"), flt


def type_label(target_type: str) -> str:
    """The verbose name of a target type such as "accounts.user"; the code if unknown."""
    model = _model_of(target_type)
    return f"{model._meta.verbose_name}（{target_type}）" if model else target_type


def _model_of(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


@dataclass(frozen=True)
class DiffRow:
    """One field of an event's before/after, ready to show."""

    field: str
    label: str
    before: str
    after: str
    changed: bool


def _show(value: Any, choices: dict[Any, Any]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if value in choices:
        return f"{choices[value]}（{value}）"
    return str(value)


def _related_names(model: Any, ids: list[Any]) -> dict[Any, str]:
    """Current names of the rows a foreign key pointed to (ids stay shown beside them)."""
    wanted = [i for i in ids if isinstance(i, int)]
    manager = getattr(model, "_base_manager", model.objects)
    return {obj.pk: str(obj) for obj in manager.filter(pk__in=wanted)}


def readable_diff(event: AuditEvent) -> list[DiffRow]:
    """Before/after as rows: field label from the target model where known, choices named."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = _model_of(event.target_type)
    rows = []
    for key in dict.fromkeys([*before, *after]):
        label, choices = key, {}
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                pass
            else:
                label = str(getattr(field, "verbose_name", key))
                choices = dict(getattr(field, "choices", None) or [])
                if field.many_to_one and field.related_model is not None:
                    choices = _related_names(field.related_model, [before.get(key), after.get(key)])
        old, new = before.get(key), after.get(key)
        rows.append(DiffRow(key, label, _show(old, choices), _show(new, choices), old != new))
    return rows


EXPORT_COLUMNS = (
    "编号", "时间", "操作人", "事件", "结果", "对象类型", "对象编号", "对象",
    "IP地址", "请求编号", "变更前", "变更后", "详情", "哈希",
)  # fmt: skip


def _json_cell(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


@transaction.atomic
def audit_export(*, actor: Any, params: QueryDict | dict[str, Any]) -> bytes:
    """The filtered events as an xlsx workbook; the export itself is audited."""
    qs, flt = audit_event_list(params=params)
    if flt.form.errors:
        raise DomainError("筛选条件有误，无法导出")
    total = qs.count()
    if total > MAX_EXPORT_ROWS:
        raise DomainError(f"导出结果超过{MAX_EXPORT_ROWS}条，请缩小筛选范围后再导出")
    outcomes = dict(AuditOutcome.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(list(EXPORT_COLUMNS))
    for e in qs.iterator(chunk_size=2000):
        sheet.append([
            e.pk, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name,
            action_label(e.action), str(outcomes.get(e.outcome, e.outcome)), e.target_type,
            e.target_id, e.target_repr, e.ip or "", e.request_id, _json_cell(e.before),
            _json_cell(e.after), _json_cell(e.detail), e.hash,
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    filters = {k: str(v) for k, v in flt.form.cleaned_data.items() if v not in (None, "")}
    audit.record(action="audit.export", actor=actor, detail={"filters": filters, "count": total})
    return buffer.getvalue()


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain check: how many events were read and the breaks found."""

    checked: int
    problems: list[audit.ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
def audit_verify(*, actor: Any) -> VerifyResult:
    """Run the hash-chain check and record that it ran (with its result) in the log itself."""
    checked = AuditEvent.objects.count()
    problems = list(audit.verify_chain())
    audit.record(
        action="audit.verify",
        actor=actor,
        outcome=AuditOutcome.OK if not problems else AuditOutcome.FAILED,
        detail={"checked": checked, "problems": len(problems)},
    )
    return VerifyResult(checked, problems)
