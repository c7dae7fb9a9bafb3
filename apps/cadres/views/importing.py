"""Excel/CSV import pages: choose a type and upload, preview (progress, counts, problems),
download the marked file, confirm. Views parse the request and call importing.service."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.cadres.importing import REGISTRY, Result, importable_by, service, template
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.forms import StyledFormMixin
from apps.core.htmx import is_htmx_partial
from apps.core.models import Job, JobStatus
from apps.core.paging import PAGE_SIZES, page_size_of, query_without
from apps.core.roles import RoleRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT = ".xlsx,.xls,.ods,.csv"


class ImportForm(StyledFormMixin, forms.Form):
    record_type = forms.ChoiceField(label="导入内容", widget=forms.RadioSelect)
    file = forms.FileField(
        label="导入文件",
        help_text=f"支持.xlsx、.xls、.csv（UTF-8或GBK编码），不超过{service.MAX_UPLOAD_MB}MB",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, types: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["record_type"]
        field.choices = [(t.key, t.label) for t in types]
        field.initial = types[0].key


def _importer(request: HttpRequest) -> tuple[Any, list[Any]]:
    user: Any = request.user
    types = importable_by(user)
    if not types:
        raise RoleRefused((Role.OFFICER, Role.SYSADMIN))
    return user, types


def _crumbs(*rest: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("数据导入", reverse("cadres:import_start")), *rest]


def import_start_view(request: HttpRequest) -> HttpResponse:
    actor, types = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None, types=types)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = service.import_start(
                actor=actor,
                record_type=form.cleaned_data["record_type"],
                filename=upload.name or "upload",
                data=upload.read(),
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("cadres:import_preview", job_id=job.pk)
    recent = Job.objects.filter(actor=actor, kind=service.VALIDATE_KIND)[:10]
    context = {"form": form, "types": types, "recent": recent, "breadcrumbs": _crumbs()}
    return render(request, "cadres/import_start.html", context)


def import_template_view(request: HttpRequest, record_type: str) -> HttpResponse:
    actor, _ = _importer(request)
    if record_type not in REGISTRY:
        raise Http404("未知的导入类型")
    spec = service.record_type_for(actor, record_type)
    response = HttpResponse(template(spec), content_type=XLSX)
    name = quote(f"{spec.label}导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _own_job(request: HttpRequest, job_id: int) -> Job:
    try:
        return service.import_job(actor=request.user, job_id=job_id)
    except OutOfScopeError:
        raise Http404("导入记录不存在") from None


def _problems_page(request: HttpRequest, result: Result | None) -> Page[Any] | None:
    if result is None or not result.problems:
        return None
    return Paginator(result.problems, page_size_of(request)).get_page(request.GET.get("page"))


def _preview_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    result = service.import_result(job)
    commit = service.commit_job_of(job)
    waiting = (JobStatus.QUEUED, JobStatus.RUNNING)
    retry = service.may_retry(commit)
    return {
        "job": job,
        "spec": REGISTRY[job.params["type"]],
        "result": result,
        "problems": _problems_page(request, result),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "commit": commit,
        "counts": (commit.params.get("counts") if commit else None) or {},
        "polling": job.status in waiting or (commit is not None and commit.status in waiting),
        "may_commit": result is not None and result.committable and retry,
        "stale_commit": commit is not None and commit.status in waiting and retry,
        "committed": commit is not None and commit.status == JobStatus.DONE,
        "breadcrumbs": _crumbs((job.params["name"], None)),
    }


def import_preview_view(request: HttpRequest, job_id: int) -> HttpResponse:
    _importer(request)
    context = _preview_context(request, _own_job(request, job_id))
    if is_htmx_partial(request):
        target = getattr(request, "htmx").target  # noqa: B009 - set by django-htmx
        name = "_import_problems" if target == "import-problems" else "_import_status"
        return render(request, f"cadres/{name}.html", context)
    return render(request, "cadres/import_preview.html", context)


def import_marked_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor, _ = _importer(request)
    try:
        name, content = service.import_marked(actor=actor, job_id=job_id)
    except OutOfScopeError:
        raise Http404("没有可下载的标注文件") from None
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
def import_commit_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor, _ = _importer(request)
    try:
        service.import_commit(actor=actor, job_id=job_id)
    except OutOfScopeError:
        raise Http404("导入记录不存在") from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, "已开始导入，完成后本页会显示结果")
    return redirect("cadres:import_preview", job_id=job_id)
