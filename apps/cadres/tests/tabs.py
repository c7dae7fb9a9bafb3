"""Test helpers for the cadre page's lazy tabs (apps.cadres.detail_tabs): a tab's body is
fetched from `cadres:cadre_tab` as htmx does when the tab is first shown."""

from typing import Any

from django.test import Client
from django.urls import reverse


def tab_url(cadre_id: int, key: str) -> str:
    return reverse("cadres:cadre_tab", args=[cadre_id, key])


def get_tab(client: Client, cadre_id: int, key: str) -> Any:
    """The tab's body as the cadre page loads it (an htmx request)."""
    return client.get(tab_url(cadre_id, key), headers={"HX-Request": "true"})
