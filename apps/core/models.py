"""Base models and the append-only, hash-chained audit log."""

from typing import Any

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Creation and last-change timestamps."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic concurrency: a save must name the version it was based on."""

    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True


class AuditOutcome(models.TextChoices):
    OK = "ok", "成功"
    DENIED = "denied", "拒绝"
    FAILED = "failed", "失败"


class AuditEvent(models.Model):
    """One audited event. Append-only: no update path; on PostgreSQL a trigger refuses
    UPDATE/DELETE; each row's `hash` chains to the previous row's (verify_audit_chain)."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("事件", max_length=64, db_index=True)
    outcome = models.CharField(
        "结果", max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.OK
    )
    target_type = models.CharField("对象类型", max_length=64, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    detail = models.JSONField("详情", null=True, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("AuditEvent is append-only")


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A long job (export, import, report) run by the task worker; only its owner sees it."""

    kind = models.CharField("任务类型", max_length=32)
    title = models.CharField("任务名称", max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField("参数", default=dict)
    progress = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("文件名", max_length=200, blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0


class RuleParameter(models.Model):
    """A locality's value for a rule parameter from an effective date on (rules.md parameters
    marked UNVERIFIED or local stay configurable). Rows are never edited: a change is a new row,
    so a past decision can name the value that applied on its date."""

    key = models.CharField("参数", max_length=80)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"
        ordering = ["key", "-effective_from", "-id"]
        indexes = [models.Index(fields=["key", "effective_from"], name="ruleparam_key_from")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}（{self.effective_from}起）"


class CalendarYear(models.Model):
    """A year whose holidays and 调休 workdays are known (published by the State Council each
    winter). Working days are never computed past the last known year (SEL-42-1 note)."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("依据", max_length=300, blank=True)
    loaded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday on a weekday (`is_workday`
    False) or a 调休 workday on a weekend (`is_workday` True)."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("节日/调休说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"
