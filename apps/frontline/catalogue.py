"""A starting catalogue of frontline incentive measures (激励措施), in 甘肃's three categories.

The seed text reports that 甘肃, to encourage cadres in the decisive phase of 脱贫攻坚, issued
"从政治激励、生活保障、情感关怀等方面提出8大类19条措施". The text of those 19 measures is not in
our sources, so the items below are an ILLUSTRATIVE MODEL built on 甘肃's three categories and
on common local practice, not a copy of 甘肃's document. Each locality seeds them under its own
unit (`seed_catalogue`, command `seed_incentive_catalogue --unit <code>`) and then edits,
deactivates or adds measures to match its own policy; every seeded row says so in `source`.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.core import audit
from apps.units.models import Unit

from .constants import IncentiveCategory
from .models import IncentiveMeasure

CATALOGUE_SOURCE = "示例目录：参照甘肃“政治激励、生活保障、情感关怀”分类拟定，请按本地政策修改"


@dataclass(frozen=True)
class CatalogueItem:
    """One measure of the model catalogue."""

    category: str
    item: str
    description: str


_P, _L, _E = IncentiveCategory.POLITICAL, IncentiveCategory.LIVELIHOOD, IncentiveCategory.EMOTIONAL

CATALOGUE: tuple[CatalogueItem, ...] = (
    CatalogueItem(_P, "优先提拔使用", "在一线表现突出、符合任职条件的干部，同等条件下优先提拔使用"),
    CatalogueItem(_P, "优先晋升职级", "职级晋升时对长期在一线工作的干部予以倾斜"),
    CatalogueItem(_P, "评优评先倾斜", "年度考核优秀等次、评优评先名额向一线干部倾斜"),
    CatalogueItem(_P, "专项考核结果运用", "一线专项考核结果作为选拔任用、评先奖优的重要依据"),
    CatalogueItem(_P, "纳入后备干部培养", "一线表现优秀的年轻干部纳入优秀年轻干部和后备干部库"),
    CatalogueItem(_P, "及时表彰宣传", "对一线先进典型及时表彰奖励、宣传报道"),
    CatalogueItem(_L, "落实艰苦边远地区津贴", "按规定落实艰苦边远地区津贴、乡镇工作补贴"),
    CatalogueItem(_L, "落实驻村补助", "按规定落实驻村干部生活补助、交通补助"),
    CatalogueItem(_L, "工作经费保障", "保障驻村、挂职等一线工作经费"),
    CatalogueItem(_L, "人身意外伤害保险", "为一线干部购买人身意外伤害保险"),
    CatalogueItem(_L, "定期体检", "每年组织一线干部健康体检"),
    CatalogueItem(_L, "改善工作生活条件", "改善一线干部食宿、办公等工作生活条件"),
    CatalogueItem(_L, "落实带薪休假", "统筹安排一线干部带薪休假和轮休"),
    CatalogueItem(_E, "谈心谈话", "组织部门定期与一线干部谈心谈话，了解思想和工作情况"),
    CatalogueItem(_E, "家属走访慰问", "节假日和特殊时期走访慰问一线干部家属"),
    CatalogueItem(_E, "解决子女就学困难", "协调解决一线干部子女入学、转学等实际困难"),
    CatalogueItem(_E, "帮助解决家庭困难", "帮助一线干部解决家庭成员就医、照护等实际困难"),
    CatalogueItem(_E, "心理疏导与关爱", "关注一线干部身心健康，提供心理疏导服务"),
    CatalogueItem(_E, "因公牺牲干部家属关怀", "对因公牺牲干部家属长期跟踪关怀、帮扶"),
)


@transaction.atomic
def seed_catalogue(unit: Unit, *, actor: Any = None) -> int:
    """Add the model catalogue under `unit`; items the unit already has (same category and item,
    active or not) are left alone, so re-running adds nothing. Returns the number added."""
    existing = set(IncentiveMeasure.objects.filter(unit=unit).values_list("category", "item"))
    added: list[IncentiveMeasure] = []
    for order, entry in enumerate(CATALOGUE, start=1):
        if (entry.category, entry.item) in existing:
            continue
        added.append(
            IncentiveMeasure.objects.create(
                unit=unit,
                category=entry.category,
                item=entry.item,
                description=entry.description,
                source=CATALOGUE_SOURCE,
                sort_order=order * 10,
            )
        )
    if added:
        audit.record(
            action="frontline.incentive_catalogue.seed",
            actor=actor,
            actor_name="" if actor is not None else "system",
            target=unit,
            detail={"added": [f"{m.get_category_display()}·{m.item}" for m in added]},
        )
    return len(added)
