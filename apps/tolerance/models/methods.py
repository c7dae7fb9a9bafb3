"""The locality's 容错纠错办法 versions with their positive and negative lists."""

from django.db import models

from apps.core.models import TimeStampedModel
from apps.core.scope import RegistryQuerySet
from apps.tolerance.constants import (
    ListKind,
)
from apps.tolerance.models.base import _user
from apps.units.models import Unit

# --- the locality's method (办法), its interpretation and lists -----------------------------


class MethodQuerySet(RegistryQuerySet["ToleranceMethod"]):
    owner_field = "unit"


class ToleranceMethod(TimeStampedModel):
    """One version of a locality's 容错纠错办法 with its interpretation (释义). A published version
    is never edited: a change is a new version with a later effective date, so a case's checklist
    always shows the version in force when it was decided."""

    unit = models.ForeignKey(
        Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="tolerance_methods"
    )
    title = models.CharField("办法名称", max_length=200)
    version_label = models.CharField("版本", max_length=50)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    interpretation = models.TextField("释义", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = _user("发布人")
    created_by = _user("创建人")

    objects = MethodQuerySet.as_manager()

    class Meta:
        verbose_name = "容错纠错办法"
        verbose_name_plural = "容错纠错办法"
        ordering = ["unit", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version_label}）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ToleranceList(models.Model):
    """One entry of a method version's positive list (可以容错) or negative list (不予容错)."""

    method = models.ForeignKey(
        ToleranceMethod, verbose_name="办法版本", on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    code = models.CharField("编号", max_length=20)
    text = models.TextField("内容")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "正面/负面清单条目"
        verbose_name_plural = "正面/负面清单条目"
        ordering = ["method", "kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["method", "kind", "code"], name="tolerance_list_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"
