"""Hook for higher apps to fill sections of the 任免审批表 that the cadres app does not own.

architecture: a lower app exposes a hook and never imports upward. The assessment app answers
年度考核结果, a commendation or tolerance app 奖惩情况, selection 任免理由, and so on:

    register_form_section("年度考核结果", provider, name="assessment.annual")

A provider is called as `provider(request_or_actor, cadre, on)` for a cadre already found inside
the actor's scope and returns the section's text, or None (or "") when it has nothing to say.
"""

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.cadres.models import Cadre

type SectionProvider = Callable[[Any, "Cadre", date], str | None]

# The sections of the form that higher apps may fill, in the form's order. A new key is added
# here when the form starts showing it (a typo in a registration then fails loudly).
SECTION_KEYS = (
    "奖惩情况",
    "年度考核结果",
    "任免理由",
    "呈报单位",
    "审批机关意见",
    "行政机关任免意见",
)

# What a section shows when providers are registered but none has anything to say. Sections
# that are written by hand (任免理由, the opinions) stay blank instead.
NONE_TEXT = {"奖惩情况": "（无）", "年度考核结果": "（无）"}

_PROVIDERS: dict[str, dict[str, SectionProvider]] = {}


def register_form_section(key: str, provider: SectionProvider, *, name: str | None = None) -> None:
    """Register (or replace, under the same `name`) a provider of the section `key`.

    `name` defaults to the provider's dotted path; give one when registering a lambda. Several
    providers of one key all contribute, one paragraph each, in registration order.
    """
    if key not in SECTION_KEYS:
        raise ValueError(f"任免审批表没有“{key}”栏目（可用：{'、'.join(SECTION_KEYS)}）")
    label = name or f"{provider.__module__}.{provider.__qualname__}"
    _PROVIDERS.setdefault(key, {})[label] = provider


def unregister_form_section(key: str, name: str) -> None:
    """Remove a provider (tests, or an app switched off)."""
    _PROVIDERS.get(key, {}).pop(name, None)


def has_providers(key: str) -> bool:
    return bool(_PROVIDERS.get(key))


def section_text(key: str, request_or_actor: Any, cadre: "Cadre", on: date) -> str:
    """The section's text: the providers' answers joined by line breaks.

    No provider registered: "" (the cell stays blank to be filled by hand — nothing was
    checked). Providers registered but none answered: NONE_TEXT ("（无）") for 奖惩情况 and
    年度考核结果, "" for the others.
    """
    providers = _PROVIDERS.get(key)
    if not providers:
        return ""
    answers = []
    for provider in list(providers.values()):
        text = provider(request_or_actor, cadre, on)
        if text and text.strip():
            answers.append(text.strip())
    return "\n".join(answers) if answers else NONE_TEXT.get(key, "")
