"""Influence periods of the demo sanctions, computed by the sanctions rules module exactly as the
sanction service does (rules_sanctions: one function per regulation; 组织处理 reads the local
parameter in force on the effective date), so the stored `influence_until` matches the pages."""

from datetime import date

from apps.core.rulesets import param
from apps.tolerance import rules_sanctions as rules
from apps.tolerance.constants import TYPE_KIND, SanctionKind


def org_months(stype: str, on: date) -> int:
    """DIS-JM-1: the locality's months for an organisational handling (UNVERIFIED defaults)."""
    return int(param(f"sanctions.{stype}_months", on))


def months_of(stype: str, probation: int | None, on: date) -> int:
    """Length of the influence period in months, for choosing dates that fall in or out of it."""
    kind = TYPE_KIND[stype]
    if kind == SanctionKind.ORGANIZATIONAL:
        return org_months(stype, on)
    if stype == rules.PARTY_PROBATION:
        return (probation or 12) + rules.AFTER_RESTORATION_MONTHS
    return {**rules.ADMIN_MONTHS, **rules.PARTY_MONTHS}[stype]


def influence_until(stype: str, effective: date, probation: int | None) -> date | None:
    """Last day (inclusive) of the influence period of a sanction effective on `effective`."""
    kind = TYPE_KIND[stype]
    if kind == SanctionKind.ADMINISTRATIVE:
        return rules.administrative_influence_end(stype, effective)
    if kind == SanctionKind.PARTY:
        return rules.party_influence_end(stype, effective, probation)
    return rules.organizational_influence_end(stype, effective, org_months(stype, effective))
