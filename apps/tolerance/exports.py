"""Excel exports of Pillar 4's lists, registered with apps.core.exports (one module per area)."""

from . import exports_cases, exports_library, exports_sanctions  # noqa: F401
