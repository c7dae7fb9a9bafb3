"""Excel exports of the frontline lists, registered with apps.core.exports (one module per area)."""

from . import exports_dispatch, exports_incentives, exports_tasks  # noqa: F401
