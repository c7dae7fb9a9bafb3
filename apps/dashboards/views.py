"""The landing page: a few real counts within the user's scope (三员 see their own shortcuts)."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.models import CADRE_ROLES, Role, stale_grants
from apps.cadres.selectors import scope_counts
from apps.core import workdays
from apps.core.models import AuditEvent
from apps.frontline.selectors_care import overdue_care
from apps.frontline.selectors_dispatch import reminder_days, terms_ending
from apps.selection.selectors_procedure import probations_due, publicity_ending


def percent(part: int, whole: int) -> str:
    """One decimal, as staff expect (15.0%); a dash when there is nothing to divide."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def reminders(user: Any) -> dict[str, Any]:
    """Work that is due: dispatch terms ending soon (or overdue), family care visits overdue,
    任前公示 ending or ended without a result, 试用期 ending soon (or overdue)."""
    today = timezone.localdate()
    ending = terms_ending(user, today)
    return {
        "publicity_due": publicity_ending(user, today).count(),
        "probation_due": probations_due(user, today).count(),
        "ending_total": ending.count(),
        "ending": list(ending[:5]),
        "reminder_days": reminder_days(today),
        "care_overdue": len(overdue_care(user, today)),
        "today": today,
    }


def calendar_reminder(user: Any, today: Any) -> dict[str, Any]:
    """For whoever keeps the work calendar: the year to enter, overdue once it has begun."""
    if not workdays.may_change(user):
        return {}
    year = workdays.year_to_enter(today, workdays.last_known_year())
    if year is None:
        return {}
    return {"calendar_year_due": year, "calendar_overdue": year <= today.year}


def home_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context: dict[str, Any] = {"breadcrumbs": []}
    if user.role in CADRE_ROLES:
        counts = scope_counts(actor=user)
        context["counts"] = counts
        context["female_share"] = percent(counts["female"], counts["total"])
        context["grants"] = user.grants.select_related("unit")
        context.update(reminders(user))
        context.update(calendar_reminder(user, context["today"]))
    elif user.role == Role.SECADMIN:
        context.update(
            stale_grants().aggregate(
                stale_grants=Count("id"), stale_grant_users=Count("user", distinct=True)
            )
        )
    context["last_login_events"] = AuditEvent.objects.filter(
        actor=user, action="auth.login"
    ).order_by("-id")[:2]
    return render(request, "dashboards/home.html", context)
