"""Selection pages (urls_reserve)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
