"""The org-unit tree (materialized path: one indexed prefix query per subtree on both databases)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.scope import Action, rules_for

from .constants import Tier, UnitEventKind, UnitKind, UnitLevel


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and all its descendants (path prefix)."""
        return self.filter(path__startswith=unit.path)

    def visible_to(self, actor: object, action: Action = Action.VIEW) -> "UnitQuerySet":
        """Units inside the actor's granted subtrees (officers, leaders); 三员 see none here."""
        rules = rules_for(actor, action)
        if not rules:
            return self.none()
        match = Q()
        for rule in rules:
            match |= Q(path__startswith=rule.path)
        return self.filter(match)

    def active(self) -> "UnitQuerySet":
        return self.filter(is_active=True)


class Unit(models.Model):
    """A node of the org tree: `path` is "/<id>/<id>/…/" from the root, so a subtree is a
    `path LIKE '<path>%'` query served by a pattern index on PostgreSQL and a btree on SQLite."""

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("单位代码", max_length=32, unique=True)
    level = models.CharField("单位层级", max_length=16, choices=UnitLevel.choices)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Bytewise on PostgreSQL (COLLATE "C", migration cadres 0008) so that its unique index
    # serves prefix ranges in order; SQLite is bytewise already.
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层深", default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    version = models.PositiveIntegerField("版本", default=1)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "sort_order"], name="unit_parent_sort"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class PostQuota(models.Model):
    """职数: how many leadership posts of a tier a unit is approved to have."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="quotas"
    )
    tier = models.CharField("职务层次", max_length=24, choices=Tier.choices)
    approved = models.PositiveSmallIntegerField("核定职数")
    note = models.CharField("核定依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "领导职数"
        verbose_name_plural = "领导职数"
        constraints = [models.UniqueConstraint(fields=["unit", "tier"], name="quota_unit_tier")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_tier_display()} {self.approved}"


class UnitEvent(models.Model):
    """History of a unit: creation, renames, moves, merges, quota changes (before/after)."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=16, choices=UnitEventKind.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    effective_date = models.DateField("生效日期", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT
    )
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    document_no = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "单位沿革"
        verbose_name_plural = "单位沿革"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"
