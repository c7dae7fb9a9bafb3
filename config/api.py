"""The REST API (django-ninja) mounted at /api/v1/; routers come from each app's api.py."""

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(title="担当 API", version="1.0.0", urls_namespace="api")

urlpatterns = [path("", api.urls)]
