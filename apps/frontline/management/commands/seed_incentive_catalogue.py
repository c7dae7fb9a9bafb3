"""manage.py seed_incentive_catalogue --unit <code>: add the model incentive catalogue to a unit."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.frontline.catalogue import seed_catalogue
from apps.units.models import Unit


class Command(BaseCommand):
    help = (
        "为指定单位写入示例激励措施目录（参照甘肃政治激励、生活保障、情感关怀分类），"
        "已有的措施不重复写入"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="制定单位的单位代码")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位代码“{options['unit']}”不存在")
        added = seed_catalogue(unit)
        self.stdout.write(
            self.style.SUCCESS(f"已为“{unit.name}”写入 {added} 项激励措施")
            if added
            else f"“{unit.name}”已有全部示例措施，未新增"
        )
