"""节假日安排: the years whose holidays and 调休 workdays are known, one year's special days, and
the forms that enter the next year or replace one (rule-parameter officers only; everyone
logged in may read). The working-day arithmetic is in workdays.py."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import workdays
from .exceptions import DomainError
from .forms_calendar import CalendarYearForm
from .models import CalendarYear

LIST_CRUMB = ("节假日安排", "calendar:calendar_list")


def _save(request: HttpRequest, form: CalendarYearForm, *, replace: bool) -> CalendarYear | None:
    if not form.is_valid():
        return None
    try:
        return workdays.calendar_year_save(
            actor=request.user,
            year=form.cleaned_data["year"],
            source=form.cleaned_data["source"],
            days=form.days,
            replace=replace,
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return None


def calendar_list(request: HttpRequest) -> HttpResponse:
    can_change = workdays.may_change(request.user)
    last = workdays.last_known_year()
    form = CalendarYearForm(request.POST or None, initial={"year": last + 1 if last else None})
    if request.method == "POST":
        if not can_change:
            raise Http404
        row = _save(request, form, replace=False)
        if row is not None:
            messages.success(request, f"已录入{row.year}年的节假日安排")
            return redirect("calendar:calendar_year", year=row.year)
    context = {
        "years": workdays.year_overview(),
        "last_year": last,
        "form": form if can_change else None,
        "breadcrumbs": [("系统设置", None), (LIST_CRUMB[0], None)],
    }
    return render(request, "core/calendar_list.html", context, status=400 if form.errors else 200)


def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        raise Http404("尚未录入该年份的节假日安排")
    can_change = workdays.may_change(request.user)
    form = CalendarYearForm(
        request.POST or None,
        fixed_year=year,
        initial={"source": row.source, "lines": workdays.year_as_text(year)},
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        if _save(request, form, replace=True) is not None:
            messages.success(request, f"已替换{year}年的节假日安排")
            return redirect("calendar:calendar_year", year=year)
    context = {
        "row": row,
        "days": workdays.year_days(year),
        "form": form if can_change else None,
        "breadcrumbs": [
            ("系统设置", None),
            (LIST_CRUMB[0], reverse(LIST_CRUMB[1])),
            (f"{year}年", None),
        ],
    }
    return render(request, "core/calendar_year.html", context, status=400 if form.errors else 200)
