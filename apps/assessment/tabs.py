"""The cadre page's assessment tabs (registered with apps.cadres.detail_tabs), one per area."""

from . import tabs_annual, tabs_research  # noqa: F401
