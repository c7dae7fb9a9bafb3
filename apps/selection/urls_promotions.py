"""Selection pages (urls_promotions)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
