"""Excel export of the current (scoped, filtered, sorted) cadre list; audited with its filter."""

from datetime import datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from apps.cadres.selectors import cadre_list
from apps.core import audit

from .common import require_cadre_user

COLUMNS = (
    ("姓名", lambda c: c.name),
    ("性别", lambda c: c.get_gender_display()),
    ("民族", lambda c: c.ethnicity),
    ("出生年月", lambda c: c.birth_date.strftime("%Y.%m")),
    ("籍贯", lambda c: c.native_place),
    ("政治面貌", lambda c: c.get_political_status_display()),
    ("参加工作时间", lambda c: c.work_start_date.strftime("%Y.%m")),
    ("工作单位", lambda c: c.unit.name),
    ("现任职务", lambda c: c.current_post_title),
    ("职务层次", lambda c: c.get_tier_display()),
    ("职级", lambda c: c.get_rank_grade_display()),
    ("最高学历", lambda c: c.get_highest_education_display()),
    ("管理权限", lambda c: c.get_managed_by_display()),
    ("公民身份号码（脱敏）", lambda c: c.id_number_masked),
)
# Larger exports belong to the background export job (issue: records interchange).
MAX_SYNC_ROWS = 20_000


def cadre_export_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    queryset, _filter = cadre_list(actor=actor, params=request.GET)
    total = queryset.count()
    if total > MAX_SYNC_ROWS:
        return HttpResponse(
            f"当前结果共 {total} 人，超过单次导出上限 {MAX_SYNC_ROWS} 人，请缩小筛选范围。",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    sheet.append([header for header, _ in COLUMNS])
    rows = 0
    for cadre in queryset.iterator(chunk_size=2000):
        sheet.append([cell(cadre) or "" for _, cell in COLUMNS])
        rows += 1
    buffer = BytesIO()
    workbook.save(buffer)
    filters = {k: v for k, v in request.GET.lists() if k not in {"page", "page_size"}}
    audit.record(
        action="cadre.export",
        actor=actor,
        target_type="cadres.cadre",
        detail={"filter": filters, "rows": rows, "format": "xlsx"},
    )
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = quote(f"干部名册_{stamp}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
