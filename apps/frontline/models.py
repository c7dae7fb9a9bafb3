"""Pillar 1 records: central tasks, frontline service, dispatch (点将), incentives, memorials.

Scope (apps/core/scope.py):
- frontline services, incentive grants and memorials are parts of a cadre's record and follow the
  cadre's scope (unit subtree and management level);
- a dispatch is visible to the officers of the sending side (the cadre's scope, via the unit that
  sent them) and of the receiving unit; only the sending side changes it;
- central tasks and incentive catalogues are unit-owned registries: visible where the owning unit
  is inside a granted subtree or above it (a city task is seen by the county officers taking part).
"""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.cadres.models import Cadre, CadrePartQuerySet
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import Action, RegistryQuerySet, rules_for
from apps.units.models import Unit

from .constants import (
    DispatchKind,
    DispatchState,
    Hardship,
    IncentiveCategory,
    TaskKind,
    TermGrade,
)


class CentralTaskQuerySet(RegistryQuerySet["CentralTask"]):
    owner_field = "lead_unit"
    extra_visible_field = "participating_units"


class CentralTask(VersionedModel):
    """中心任务 / 重大任务: the work frontline cadres are sent to."""

    name = models.CharField("任务名称", max_length=100)
    kind = models.CharField("任务类别", max_length=16, choices=TaskKind.choices)
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_tasks"
    )
    participating_units = models.ManyToManyField(
        Unit, verbose_name="参与单位", blank=True, related_name="joined_tasks"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("任务说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CentralTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "中心任务"
        verbose_name_plural = "中心任务"
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return self.name


class FrontlineServiceQuerySet(CadrePartQuerySet["FrontlineService"]):
    def visible_to(
        self,
        actor: object,
        action: Action = Action.VIEW,
        *,
        include_deleted: bool = False,
        by_root: bool = False,
    ) -> Self:
        qs = super().visible_to(actor, action, include_deleted=include_deleted, by_root=by_root)
        return qs if include_deleted else qs.filter(deleted_at__isnull=True)


class FrontlineService(TimeStampedModel):
    """一线经历: a period a cadre served on the frontline of a central task (or elsewhere on the
    frontline, `task` empty). Created by hand or automatically when a dispatch starts."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="frontline_services"
    )
    task = models.ForeignKey(
        CentralTask,
        verbose_name="中心任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    kind = models.CharField("一线类别", max_length=16, choices=TaskKind.choices)
    place = models.CharField("工作地点", max_length=100)
    place_unit = models.ForeignKey(
        Unit,
        verbose_name="所在单位/地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frontline_services_here",
    )
    role = models.CharField("担任角色", max_length=100)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="仍在一线的留空")
    high_altitude = models.BooleanField("高海拔地区", default=False)
    border = models.BooleanField("边境地区", default=False)
    remote = models.BooleanField("艰苦边远地区", default=False)
    poverty_county = models.BooleanField("重点帮扶县/原贫困县", default=False)
    counts_as_grassroots = models.BooleanField(
        "计入基层工作经历", default=False, help_text="FRONT-4：由组织部门按认定口径确定"
    )
    performance_notes = models.TextField("表现情况", blank=True)
    dispatch = models.OneToOneField(
        "Dispatch",
        verbose_name="来源选派",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frontline_service",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = FrontlineServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "一线经历"
        verbose_name_plural = "一线经历"
        ordering = ["-start_date", "id"]
        indexes = [
            models.Index(fields=["cadre", "start_date"], name="fl_service_cadre"),
            models.Index(fields=["task", "start_date"], name="fl_service_task"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="fl_service_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.place}"

    @property
    def hardships(self) -> list[str]:
        return [h.label for h in Hardship if getattr(self, h.value)]


class EvidenceQuerySet(CadrePartQuerySet["FrontlineEvidence"]):
    scope_prefix = "service__cadre__"


class FrontlineEvidence(models.Model):
    """An attachment proving frontline service (served only through the scope check)."""

    service = models.ForeignKey(
        FrontlineService, verbose_name="一线经历", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("附件", upload_to="frontline/%Y/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "一线经历佐证材料"
        verbose_name_plural = "一线经历佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class DispatchQuerySet(models.QuerySet["Dispatch"]):
    def visible_to(self, actor: object, action: Action = Action.VIEW) -> Self:
        """Sending side: the cadre's management level inside the subtree of the sending unit.
        Receiving side (view only): the target unit inside a granted subtree."""
        rules = rules_for(actor, action)
        if not rules:
            return self.none()
        match = Q()
        for rule in rules:
            match |= Q(
                sending_unit__path__startswith=rule.path,
                cadre__managed_by__in=sorted(rule.managed_levels),
            )
            if action is Action.VIEW:
                match |= Q(target_unit__path__startswith=rule.path)
        return self.filter(match, cadre__deleted_at__isnull=True)


class Dispatch(VersionedModel):
    """点将: the organization department names a cadre for a post in a target unit."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="dispatches"
    )
    kind = models.CharField("选派类型", max_length=16, choices=DispatchKind.choices)
    task = models.ForeignKey(
        CentralTask,
        verbose_name="中心任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    sending_unit = models.ForeignKey(
        Unit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="dispatches_sent"
    )
    target_unit = models.ForeignKey(
        Unit, verbose_name="接收单位", on_delete=models.PROTECT, related_name="dispatches_received"
    )
    target_post = models.CharField("拟任职务", max_length=100)
    village = models.CharField("驻村名称", max_length=100, blank=True)
    full_time = models.BooleanField("脱产（全职）", default=True)
    counts_as_grassroots = models.BooleanField(
        "计入基层工作经历", default=False, help_text="FRONT-4：由组织部门按认定口径确定"
    )
    state = models.CharField(
        "状态", max_length=12, choices=DispatchState.choices, default=DispatchState.PLANNED
    )
    planned_start = models.DateField("计划开始日期")
    planned_end = models.DateField("任期届满日期")
    actual_start = models.DateField("实际到岗日期", null=True, blank=True)
    actual_end = models.DateField("实际离岗日期", null=True, blank=True)
    reason = models.TextField("选派理由", blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    end_note = models.TextField("离岗说明", blank=True)
    term_grade = models.CharField(
        "期满考核等次", max_length=24, choices=TermGrade.choices, blank=True
    )
    term_comment = models.TextField("期满考核评语", blank=True)
    term_assessed_on = models.DateField("期满考核日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = "选派（点将）"
        verbose_name_plural = "选派（点将）"
        ordering = ["-planned_start", "id"]
        indexes = [
            models.Index(fields=["cadre", "state"], name="dispatch_cadre_state"),
            models.Index(fields=["target_unit", "state"], name="dispatch_target_state"),
            models.Index(fields=["state", "planned_end"], name="dispatch_state_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="dispatch_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.target_unit}（{self.get_kind_display()}）"

    @property
    def is_serving(self) -> bool:
        return self.state in (DispatchState.IN_POST, DispatchState.EXTENDED)


class RegistryUnitQuerySet(RegistryQuerySet["IncentiveMeasure"]):
    owner_field = "unit"


class IncentiveMeasure(TimeStampedModel):
    """激励措施 catalogue item, defined by a locality (its unit) for its subtree."""

    unit = models.ForeignKey(
        Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="incentive_measures"
    )
    category = models.CharField("类别", max_length=16, choices=IncentiveCategory.choices)
    item = models.CharField("措施", max_length=100)
    description = models.TextField("具体内容", blank=True)
    source = models.CharField("依据", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = RegistryUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "激励措施"
        verbose_name_plural = "激励措施"
        ordering = ["category", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "category", "item"], name="incentive_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.item}"


class GrantQuerySet(CadrePartQuerySet["IncentiveGrant"]):
    def visible_to(
        self,
        actor: object,
        action: Action = Action.VIEW,
        *,
        include_deleted: bool = False,
        by_root: bool = False,
    ) -> Self:
        qs = super().visible_to(actor, action, include_deleted=include_deleted, by_root=by_root)
        return qs if include_deleted else qs.filter(deleted_at__isnull=True)


class IncentiveGrant(TimeStampedModel):
    """Who received which incentive measure, when and why."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="incentive_grants"
    )
    measure = models.ForeignKey(
        IncentiveMeasure, verbose_name="激励措施", on_delete=models.PROTECT, related_name="grants"
    )
    granted_on = models.DateField("落实日期")
    reason = models.TextField("事由")
    document_number = models.CharField("文号", max_length=100, blank=True)
    service = models.ForeignKey(
        FrontlineService,
        verbose_name="相关一线经历",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grants",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = "激励措施落实"
        verbose_name_plural = "激励措施落实"
        ordering = ["-granted_on", "id"]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.measure}"


class Sacrifice(VersionedModel):
    """牺牲 / 因公殉职 memorial record; the family-care visits follow it."""

    cadre = models.OneToOneField(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="sacrifice"
    )
    died_on = models.DateField("牺牲日期")
    task = models.ForeignKey(
        CentralTask,
        verbose_name="中心任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sacrifices",
    )
    place = models.CharField("地点", max_length=100)
    circumstances = models.TextField("事迹与经过")
    honours = models.CharField("追授荣誉", max_length=200, blank=True)
    family_contact = models.CharField("家属联系人", max_length=100, blank=True)
    care_interval_days = models.PositiveIntegerField("走访间隔（天）", default=90)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CadrePartQuerySet["Sacrifice"].as_manager()

    class Meta:
        verbose_name = "牺牲干部纪念"
        verbose_name_plural = "牺牲干部纪念"
        ordering = ["-died_on", "id"]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.died_on:%Y-%m-%d}）"


class CareVisitQuerySet(CadrePartQuerySet["FamilyCareVisit"]):
    scope_prefix = "sacrifice__cadre__"


class FamilyCareVisit(TimeStampedModel):
    """A family-care follow-up after a sacrifice: who visited, what was done, when next."""

    sacrifice = models.ForeignKey(
        Sacrifice, verbose_name="纪念记录", on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人", max_length=200)
    actions = models.TextField("帮扶内容")
    next_due = models.DateField("下次走访日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CareVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "家属关怀走访"
        verbose_name_plural = "家属关怀走访"
        ordering = ["-visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.sacrifice} · {self.visited_on}"
