"""Selection pages (urls_rank)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
