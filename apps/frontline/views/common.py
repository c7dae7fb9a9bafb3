"""Helpers shared by the task and frontline-service pages (the list helpers live in
apps/core/lists.py)."""

from django.urls import reverse


def dispatch_url(pk: int) -> str:
    return reverse("frontline:dispatch_detail", args=[pk])
