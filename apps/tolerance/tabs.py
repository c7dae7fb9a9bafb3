"""The cadre page's tabs of Pillar 4 (registered with apps.cadres.detail_tabs), one per area."""

from . import tabs_cases, tabs_sanctions  # noqa: F401
