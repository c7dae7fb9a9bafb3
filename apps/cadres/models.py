"""The cadre record: the fields of the 干部任免审批表 and its parts."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from apps.accounts.models import ManagedBy
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import ScopedQuerySet
from apps.units.constants import Tier
from apps.units.models import Unit

from .constants import (
    ETHNICITY_CHOICES,
    Degree,
    EducationLevel,
    EducationMode,
    Gender,
    PoliticalStatus,
    RankGrade,
)

# Columns the list filters and sorts on, carried in its covering indexes (docs/benchmarks.md).
LIST_COLUMNS = [
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "ethnicity",
    "birth_date",
    "work_start_date",
    "political_status",
    "tier",
    "rank_grade",
    "highest_education",
]


class CadreQuerySet(ScopedQuerySet["Cadre"]):
    scope_prefix = ""
    scope_root_field = "scope_root"


class CadrePartQuerySet[M: models.Model](ScopedQuerySet[M]):
    """Parts of a record (education, posts, …) follow their cadre's scope."""

    scope_prefix: ClassVar[str] = "cadre__"
    scope_root_field = "scope_root"  # Cadre.scope_root, read through the prefix


class Cadre(VersionedModel):
    """A person the organization department manages. Scoped by `unit` and `managed_by`."""

    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名拼音", max_length=120, editable=False, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=20, editable=False, db_index=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=12, choices=ETHNICITY_CHOICES, default="汉族")
    birth_date = models.DateField("出生年月")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    id_number_encrypted = models.TextField("公民身份号码（密文）", blank=True, editable=False)
    id_number_hash = models.CharField(
        "公民身份号码（检索摘要）", max_length=64, blank=True, editable=False, db_index=True
    )
    id_number_masked = models.CharField("公民身份号码（脱敏）", max_length=18, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.CPC
    )
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    work_start_date = models.DateField("参加工作时间")
    health = models.CharField("健康状况", max_length=50, blank=True, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=100, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    # The unit's path cut to its first two levels ("/1/43/": the county or city department the
    # cadre serves in). Kept by database triggers on every write of unit_id or a unit's path
    # (migration 0005); never set in Python. It lets a county officer's list walk an index in
    # name order (cadre_root_name_order) instead of sorting the county (docs/benchmarks.md).
    scope_root = models.CharField("范围根路径", max_length=255, default="", editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres"
    )
    managed_by = models.CharField("干部管理权限", max_length=16, choices=ManagedBy.choices)
    current_post_title = models.CharField("现任职务", max_length=200, blank=True)
    tier = models.CharField(
        "职务层次", max_length=24, choices=Tier.choices, blank=True, db_index=True
    )
    rank_grade = models.CharField(
        "职级", max_length=24, choices=RankGrade.choices, blank=True, db_index=True
    )
    highest_education = models.CharField(
        "最高学历", max_length=16, choices=EducationLevel.choices, blank=True
    )
    proposed_post = models.CharField("拟任职务", max_length=200, blank=True)
    proposed_removal = models.CharField("拟免职务", max_length=200, blank=True)
    photo = models.ImageField("照片", upload_to="photos/%Y/", blank=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="删除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["unit", "managed_by"], name="cadre_unit_managed"),
            models.Index(fields=["birth_date"], name="cadre_birth"),
            # Covers the list's scope, filters and sort keys, so the paginator's COUNT and the
            # id-first page query are index-only scans on PostgreSQL (docs/benchmarks.md).
            # SQLite ignores INCLUDE (check models.W040 is silenced for that reason).
            models.Index(
                fields=["managed_by", "unit"],
                include=["id", *LIST_COLUMNS],
                condition=models.Q(deleted_at__isnull=True),
                name="cadre_scope_cover",
            ),
            # The list sorted by name (拼音) walks this in order and stops after the page, deep
            # pages included, instead of sorting every row in scope; scope_root lets a rule at
            # the top of the tree be checked in the index, without joining units.
            models.Index(
                fields=["managed_by", "name_pinyin", "id"],
                include=["unit", "scope_root", *(c for c in LIST_COLUMNS if c != "name_pinyin")],
                condition=models.Q(deleted_at__isnull=True),
                name="cadre_name_order",
            ),
            # The same order within one county-level subtree (scope_root): a county officer's
            # name-sorted pages, deep ones included, walk this instead of sorting the county.
            models.Index(
                fields=["managed_by", "scope_root", "name_pinyin", "id"],
                include=["unit", *(c for c in LIST_COLUMNS if c != "name_pinyin")],
                condition=models.Q(deleted_at__isnull=True),
                name="cadre_root_name_order",
            ),
        ]
        constraints = [
            # One person, one record (trash included): the service's check gives the message,
            # this closes the race between two concurrent saves of the same number.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="cadre_id_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Education(TimeStampedModel):
    """学历学位 (全日制 / 在职)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations"
    )
    mode = models.CharField("教育类别", max_length=16, choices=EducationMode.choices)
    level = models.CharField("学历", max_length=16, choices=EducationLevel.choices)
    degree = models.CharField("学位", max_length=16, choices=Degree.choices, default=Degree.NONE)
    school = models.CharField("毕业院校", max_length=100)
    major = models.CharField("系及专业", max_length=100, blank=True)
    start_date = models.DateField("入学时间", null=True, blank=True)
    end_date = models.DateField("毕业时间", null=True, blank=True)

    objects = CadrePartQuerySet["Education"].as_manager()

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["end_date", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.get_level_display()}"


class Post(models.Model):
    """A leadership position in a unit (职务), counted against the unit's 职数."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField("职务名称", max_length=100)
    tier = models.CharField("职务层次", max_length=24, choices=Tier.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["unit", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="post_unit_title")]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"


class Appointment(TimeStampedModel):
    """任职 / 免职: a cadre holding a post over a period, with the 文号 of both decisions."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="appointments"
    )
    post = models.ForeignKey(
        Post, verbose_name="职务", on_delete=models.PROTECT, related_name="appointments"
    )
    start_date = models.DateField("任职时间")
    end_date = models.DateField("免职时间", null=True, blank=True)
    appoint_doc_no = models.CharField("任职文号", max_length=100, blank=True)
    removal_doc_no = models.CharField("免职文号", max_length=100, blank=True)

    objects = CadrePartQuerySet["Appointment"].as_manager()

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["post", "end_date"], name="appt_post_current")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.post}"


class RankRecord(TimeStampedModel):
    """职级 history."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rank_records"
    )
    rank_grade = models.CharField("职级", max_length=24, choices=RankGrade.choices)
    start_date = models.DateField("任职级时间")
    end_date = models.DateField("终止时间", null=True, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)

    objects = CadrePartQuerySet["RankRecord"].as_manager()

    class Meta:
        verbose_name = "职级记录"
        verbose_name_plural = "职级记录"
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_rank_grade_display()}"


class ResumeEntry(TimeStampedModel):
    """One line of the 简历: from, to, unit and post as text."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="resume_entries"
    )
    start_date = models.DateField("起始时间")
    end_date = models.DateField("截止时间", null=True, blank=True)
    text = models.CharField("单位及职务", max_length=300)

    objects = CadrePartQuerySet["ResumeEntry"].as_manager()

    class Meta:
        verbose_name = "简历"
        verbose_name_plural = "简历"
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return self.text


class FamilyMember(TimeStampedModel):
    """家庭主要成员及重要社会关系."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family_members"
    )
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = CadrePartQuerySet["FamilyMember"].as_manager()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"
