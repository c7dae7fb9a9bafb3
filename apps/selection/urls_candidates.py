"""Selection pages (urls_candidates)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
