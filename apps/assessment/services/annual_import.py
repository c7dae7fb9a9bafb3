"""Import of annual grades from Excel: check every row in a background job (a preview of what
would change and every problem, in Chinese), then commit on "确认导入" — all or nothing, into
the unit sheets of each year (drafts created as needed), idempotent, audited with the file hash.

Columns: 姓名, 公民身份号码, 年度, 等次, 评语. A cadre is found by the keyed hash of the id number
and must lie in the importer's CHANGE scope: anything else is a row error, never a silent skip.
Id numbers never leave this module in clear: the preview names rows and shows numbers masked.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from apps.assessment import rules
from apps.assessment.constants import AnnualGrade, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet
from apps.cadres import identity
from apps.cadres.models import Cadre
from apps.cadres.rules import mask_id_number, parse_id_number
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import Job, JobStatus
from apps.core.scope import Action
from apps.tolerance.selectors_sanctions import assessment_caps

from .annual import FIRST_YEAR, MAX_COMMENT, open_sheet, quota_for, set_grade

KIND = "assessment_annual_import"
COLUMNS = ("姓名", "公民身份号码", "年度", "等次", "评语")
REQUIRED = COLUMNS[:4]
GRADE_BY_LABEL = {label: value for value, label in AnnualGrade.choices}
GRADE_HINT = "、".join(GRADE_BY_LABEL)
MAX_ROWS = 5000
NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
ACTION_LABELS = {NEW: "新增", UPDATED: "修改", UNCHANGED: "无变化"}


@dataclass(frozen=True)
class Problem:
    """One problem of the file: Excel row number, column header, the value (id numbers masked),
    the reason in Chinese."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class SourceRow:
    row: int
    name: str
    id_number: str
    year: str
    grade: str
    comment: str


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[SourceRow]:
    """The data rows of the first sheet (read-only openpyxl); the header row names the columns
    in any order. Raises DomainError when the file is unreadable or lacks a column."""
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        raise DomainError("无法读取该文件，请上传 Excel（.xlsx）文件", code="bad_file") from exc
    try:
        lines: Iterator[tuple[Any, ...]] = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ())]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DomainError(f"文件缺少列：{'、'.join(missing)}", code="bad_columns")
        index = {c: header.index(c) for c in COLUMNS if c in header}
        rows: list[SourceRow] = []
        for number, values in enumerate(lines, start=2):
            cells = {c: _text(values[i]) if i < len(values) else "" for c, i in index.items()}
            if not any(cells.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise DomainError(f"一次最多导入 {MAX_ROWS} 行", code="too_many_rows")
            rows.append(
                SourceRow(
                    number,
                    cells["姓名"],
                    cells["公民身份号码"],
                    cells["年度"],
                    cells["等次"],
                    cells.get("评语", ""),
                )
            )
        return rows
    finally:
        workbook.close()


def _cadre(actor: Any, src: SourceRow, problems: list[Problem]) -> Cadre | None:
    shown = mask_id_number(src.id_number.upper())
    if not src.id_number:
        problems.append(Problem(src.row, "公民身份号码", "", "公民身份号码不能为空"))
        return None
    try:
        number, _birth, _gender = parse_id_number(src.id_number)
    except ValueError as exc:
        problems.append(Problem(src.row, "公民身份号码", shown, str(exc)))
        return None
    cadre = (
        Cadre.objects.visible_to(actor, Action.CHANGE)
        .select_related("unit")
        .filter(id_number_hash=identity.search_hash(number))
        .first()
    )
    if cadre is None:
        reason = "未找到该公民身份号码对应的干部，或该干部不在您的数据范围内"
        problems.append(Problem(src.row, "公民身份号码", shown, reason))
        return None
    if src.name != cadre.name:
        reason = f"姓名与公民身份号码不符（系统中为“{cadre.name}”）"
        problems.append(Problem(src.row, "姓名", src.name, reason))
    return cadre


def _year(src: SourceRow, today: date, problems: list[Problem]) -> int | None:
    if src.year.isdigit() and FIRST_YEAR <= int(src.year) <= today.year:
        return int(src.year)
    reason = f"年度应为 {FIRST_YEAR} 至 {today.year} 之间的四位数字"
    problems.append(Problem(src.row, "年度", src.year, reason))
    return None


def _grade(src: SourceRow, problems: list[Problem]) -> str | None:
    grade = GRADE_BY_LABEL.get(src.grade)
    if grade is None:
        reason = "等次不能为空" if not src.grade else f"等次无效，应为：{GRADE_HINT}"
        problems.append(Problem(src.row, "等次", src.grade, reason))
    return grade


def _action(cadre: Cadre, year: int, grade: str, src: SourceRow) -> tuple[str, str]:
    """(new/updated/unchanged, refusal) against the stored row and its sheet's status."""
    row = AnnualAssessment.objects.filter(cadre=cadre, year=year).select_related("sheet__unit")
    current = row.first()
    if current is not None:
        if (current.grade, current.comment) == (grade, src.comment):
            return UNCHANGED, ""
        if current.sheet.status == SheetStatus.SUBMITTED:
            unit = current.sheet.unit.name
            return "", f"{unit}{year}年度考核已提交，不能导入修改（如需修改请先退回）"
        return UPDATED, ""
    sheet = AnnualSheet.objects.filter(unit=cadre.unit, year=year).first()
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        return "", f"{cadre.unit.name}{year}年度考核已提交，不能导入新增（如需修改请先退回）"
    return NEW, ""


def _check_row(
    actor: Any, src: SourceRow, today: date, seen: dict[tuple[int, int], int]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []
    cadre = _cadre(actor, src, problems)
    year = _year(src, today, problems)
    grade = _grade(src, problems)
    if len(src.comment) > MAX_COMMENT:
        problems.append(Problem(src.row, "评语", src.comment[:20], f"评语不超过 {MAX_COMMENT} 字"))
    if cadre is None or year is None or grade is None or problems:
        return None, problems
    first = seen.setdefault((cadre.pk, year), src.row)
    if first != src.row:
        problems.append(
            Problem(
                src.row,
                "公民身份号码",
                mask_id_number(src.id_number),
                f"与第 {first} 行重复（同一干部同一年度）",
            )
        )
    decision = rules.grade_allowed(grade, assessment_caps(cadre.pk, year), comment=src.comment)
    if not decision.allowed:
        problems.append(Problem(src.row, "等次", src.grade, decision.message))
    action, refusal = _action(cadre, year, grade, src)
    if refusal:
        problems.append(Problem(src.row, "年度", str(year), refusal))
    if problems:
        return None, problems
    item = {
        "row": src.row,
        "cadre_id": cadre.pk,
        "name": cadre.name,
        "unit": cadre.unit.name,
        "year": year,
        "grade": grade,
        "comment": src.comment,
        "action": action,
    }
    return item, []


def build_preview(
    *, actor: Any, content: bytes, file_name: str, today: date | None = None
) -> dict[str, Any]:
    """Check every row of the file for `actor`; nothing is written. The preview (JSON) holds
    the counts, each problem and the rows to commit (cadre ids, never id numbers)."""
    today = today or timezone.localdate()
    base: dict[str, Any] = {"file_name": file_name, "file_hash": file_hash(content)}
    try:
        sources = read_rows(content)
    except DomainError as exc:
        return {**base, "error": exc.message, "counts": {}, "problems": [], "items": []}
    seen: dict[tuple[int, int], int] = {}
    items: list[dict[str, Any]] = []
    problems: list[Problem] = []
    invalid = 0
    for src in sources:
        item, row_problems = _check_row(actor, src, today, seen)
        if item is not None:
            items.append(item)
        else:
            invalid += 1
            problems += row_problems
    counts = {k: sum(1 for i in items if i["action"] == k) for k in (NEW, UPDATED, UNCHANGED)}
    counts["invalid"] = invalid
    return {
        **base,
        "error": "" if sources else "文件中没有数据行",
        "rows": len(sources),
        "counts": counts,
        "problems": [asdict(p) for p in problems],
        "items": items,
    }


def import_job(actor: Any, job_id: int) -> Job:
    """The actor's own import job (another user's job is not found)."""
    job = Job.objects.select_for_update().filter(pk=job_id, actor=actor, kind=KIND).first()
    if job is None:
        raise OutOfScopeError()
    return job


def _commit_item(actor: Any, item: dict[str, Any], touched: set[int]) -> bool:
    cadre = Cadre.objects.visible_to(actor, Action.CHANGE).filter(pk=item["cadre_id"]).first()
    if cadre is None:
        raise DomainError(f"第 {item['row']} 行：该干部已不在您的数据范围内", code="out_of_scope")
    row = AnnualAssessment.objects.select_related("sheet").filter(cadre=cadre, year=item["year"])
    assessment = row.first()
    if assessment is None:
        sheet, _ = open_sheet(actor, cadre.unit, item["year"])
        if sheet.status != SheetStatus.DRAFT:
            raise DomainError(
                f"第 {item['row']} 行：{cadre.unit.name}{item['year']}年度考核已提交",
                code="submitted",
            )
        assessment = AnnualAssessment.objects.filter(cadre=cadre, year=item["year"]).first()
        if assessment is None:  # not a participant by the sheet's rule (e.g. started later)
            assessment = AnnualAssessment.objects.create(
                cadre=cadre, sheet=sheet, year=item["year"]
            )
        touched.add(sheet.pk)
    elif assessment.sheet.status != SheetStatus.DRAFT:
        if (assessment.grade, assessment.comment) == (item["grade"], item["comment"]):
            return False
        raise DomainError(f"第 {item['row']} 行：该年度考核已提交，不能修改", code="submitted")
    before = assessment.version
    problem = set_grade(assessment, item["grade"], item["comment"], actor)
    if problem:
        raise DomainError(f"第 {item['row']} 行：{problem}", code="invalid_rows")
    if assessment.version != before:
        touched.add(assessment.sheet_id)
        return True
    return False


@transaction.atomic
def annual_import_commit(*, actor: Any, job_id: int) -> dict[str, int]:
    """确认导入: write the previewed rows (all or nothing). Refused while the check runs, when
    the file has problems, or a second time; every row is checked again (scope, caps, sheet
    status may have changed since the preview). Returns the counts written."""
    job = import_job(actor, job_id)
    preview = job.params.get("preview")
    if job.status != JobStatus.DONE or not preview:
        raise DomainError("文件校验尚未完成，请稍候", code="not_ready")
    if job.params.get("committed_at"):
        raise DomainError("该文件已确认导入，无需重复操作", code="already_committed")
    if preview.get("error") or preview["counts"].get("invalid"):
        raise DomainError("文件中存在问题，请修改后重新上传", code="has_problems")
    touched: set[int] = set()
    changed = sum(_commit_item(actor, item, touched) for item in preview["items"])
    sheets = AnnualSheet.objects.filter(pk__in=touched)
    for sheet in sheets:
        sheet.participants = sheet.rows.count()
        sheet.excellent_quota, sheet.quota_rule = quota_for(sheet.year, sheet.participants)
        sheet.version += 1
        sheet.save()
    counts = {**preview["counts"], "changed": changed}
    job.params = {**job.params, "committed_at": timezone.now().isoformat(), "committed": counts}
    job.save(update_fields=["params"])
    audit.record(
        action="assessment.annual.import",
        actor=actor,
        target_type="assessment.annualassessment",
        target_repr=preview["file_name"][:200],
        detail={
            "file_hash": preview["file_hash"],
            "file_name": preview["file_name"],
            "job": job.pk,
            "counts": counts,
            "sheets": sorted(touched),
        },
    )
    return counts
