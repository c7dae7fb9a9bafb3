"""一线提拔比例 arithmetic (issue 8 item 4; seed: 昭通 — of the cadres promoted each year at least
60% (市级), 80% (县级), 50% (市直部门) must have frontline experience such as poverty alleviation).
Local policy, so every share is a configured FrontlineQuota row; these functions only count."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Share:
    """`frontline` of `total` promotions had frontline experience, against `min_percent`."""

    total: int
    frontline: int
    min_percent: int

    @property
    def percent(self) -> Decimal | None:
        """One decimal, half up (ui.md: 15.0%); None when nobody was promoted."""
        if self.total == 0:
            return None
        return (Decimal(self.frontline * 100) / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def meets(self) -> bool:
        """Exact integer comparison, never the rounded percentage: 3 of 5 meets 60%, 29 of 49
        (59.18%) does not even though nobody would round it up."""
        return self.frontline * 100 >= self.min_percent * self.total

    @property
    def required(self) -> int:
        """The fewest frontline promotions the total needs: ceil(total × min%)."""
        return -(-self.min_percent * self.total // 100)

    @property
    def shortfall(self) -> int:
        return max(self.required - self.frontline, 0)

    def plus(self, frontline: int, others: int) -> "Share":
        return Share(self.total + frontline + others, self.frontline + frontline, self.min_percent)


def lowers_below(before: Share, after: Share) -> bool:
    """Whether confirming a batch should be stopped (or warned about): the share after it is
    below the quota and the batch adds promotions without frontline experience. A batch made only
    of frontline cadres is never stopped, even while the share is still short."""
    added_others = (after.total - after.frontline) - (before.total - before.frontline)
    return not after.meets and added_others > 0
