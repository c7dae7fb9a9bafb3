"""Excel exports of the reserve cadres (后备干部名单), negative flags and 破格 records, registered
with apps.core.exports; each scoped to the actor exactly like its page (flags: officers only)."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exports import ExportTable, ListExport, register
from apps.selection.forms_reserve import EntryFilterForm, ExceptionalFilterForm, FlagFilterForm
from apps.selection.selectors_reserve import entry_list, exceptional_list, flag_list
from apps.selection.services.exceptional import WAIVABLE_RULES

BATCH = 500


def _readers(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


def _officers(actor: Any) -> bool:
    return getattr(actor, "role", None) == Role.OFFICER


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _batches(queryset: Any) -> Iterator[list[Any]]:
    """The rows in pk batches of the queryset's order (constant memory for large lists)."""
    ids = list(queryset.values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        rows = {r.pk: r for r in queryset.order_by().filter(pk__in=chunk)}
        yield [rows[pk] for pk in chunk if pk in rows]


def build_reserve(actor: Any, query: QueryDict) -> ExportTable:
    """Reserve entries of the pools the actor sees (one pool, or the pools' unit and tier)."""
    qs = entry_list(actor=actor, filters=EntryFilterForm(query).filters())

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for e in batch:
                yield [
                    e.pool.name,
                    e.pool.get_target_tier_display(),
                    e.cadre.name,
                    e.cadre.unit.name,
                    e.cadre.current_post_title,
                    e.cadre.birth_date.strftime("%Y-%m"),
                    e.get_source_display(),
                    e.reason,
                    _d(e.entry_date),
                    _d(e.exit_date),
                    e.get_exit_reason_display() if e.exit_reason else "",
                    e.exit_note,
                ]

    headers = [
        "后备干部库",
        "后备职务层次",
        "姓名",
        "单位",
        "现任职务",
        "出生年月",
        "来源",
        "推荐理由/主要表现",
        "入库日期",
        "出库日期",
        "出库原因",
        "出库说明",
    ]
    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_flags(actor: Any, query: QueryDict) -> ExportTable:
    today = timezone.localdate()
    qs = flag_list(actor=actor, filters=FlagFilterForm(query).filters(), today=today)

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for f in batch:
                in_force = f.start_date <= today and (f.end_date is None or f.end_date >= today)
                yield [
                    f.cadre.name,
                    f.cadre.unit.name,
                    f.get_kind_display(),
                    f.note,
                    _d(f.start_date),
                    _d(f.end_date),
                    "是" if f.special_post_exempt else "否",
                    "影响中" if in_force else "已解除",
                ]

    headers = ["姓名", "单位", "情形", "情况说明", "起始日期", "解除日期", "特殊岗位需要", "状态"]
    return ExportTable(headers=headers, rows=rows(), total=qs.count())


def build_exceptional(actor: Any, query: QueryDict) -> ExportTable:
    qs = exceptional_list(actor=actor, filters=ExceptionalFilterForm(query).filters())

    def rows() -> Iterator[list[Any]]:
        for batch in _batches(qs):
            for r in batch:
                yield [
                    r.cadre.name,
                    r.cadre.unit.name,
                    r.get_target_tier_display(),
                    r.get_ground_display(),
                    "；".join(WAIVABLE_RULES.get(x, x) for x in r.waived_rules or []),
                    r.explanation,
                    _d(r.approved_on),
                    r.doc_no,
                ]

    headers = [
        "姓名",
        "单位",
        "拟任职务层次",
        "破格情形",
        "突破的资格条件",
        "具体情形和理由",
        "研究决定日期",
        "依据文号/会议纪要",
    ]
    return ExportTable(headers=headers, rows=rows(), total=qs.count())


register(
    ListExport(
        name="selection_reserve",
        title="后备干部名单",
        target_type="selection.reserveentry",
        build=build_reserve,
        may_export=_readers,
    )
)
register(
    ListExport(
        name="selection_flags",
        title="负面情形",
        target_type="selection.negativeflag",
        build=build_flags,
        may_export=_officers,
    )
)
register(
    ListExport(
        name="selection_exceptional",
        title="破格提拔",
        target_type="selection.exceptionalpromotion",
        build=build_exceptional,
        may_export=_readers,
    )
)
