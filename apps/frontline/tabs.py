"""The cadre page's 一线经历 tab (registered with apps.cadres.detail_tabs)."""
