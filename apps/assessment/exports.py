"""Excel exports of the assessment lists (apps.core.exports), one module per area."""

from . import exports_annual, exports_research  # noqa: F401
