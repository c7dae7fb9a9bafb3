"""Selection pages (urls_publicity)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
