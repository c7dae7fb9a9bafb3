"""manage.py load_demo: generate the fictional city 示范市 with cadres and demo logins."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User
from apps.cadres import demo


class Command(BaseCommand):
    help = "生成示范数据（示范市单位、职数、干部及演示账号），同一种子结果相同"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--cadres", type=int, default=3000, help="干部人数（默认 3000）")
        parser.add_argument(
            "--units", type=int, default=None, help="单位数（默认约260个，更多时增设事业单位）"
        )
        parser.add_argument("--reset", action="store_true", help="先删除已有示范数据")
        parser.add_argument("--batch", type=int, default=5000, help="每批写入行数")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="已有示范数据时不再生成，只打印演示账号（make demo 使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] >= 1 else None
        if options["cadres"] < 1:
            raise CommandError("干部人数须大于 0")
        if options["reset"]:
            removed = demo.reset(progress=say, batch=options["batch"])
            if removed and say:
                say(f"已删除示范数据：单位 {removed['units']} 个，干部 {removed['cadres']} 人")
        if options["if_empty"] and not options["reset"]:
            existing = list(
                User.objects.filter(username__in=[u.username for u in demo.DEMO_USERS]).order_by(
                    "id"
                )
            )
            if existing:
                self.stdout.write("示范数据已存在，未重新生成。\n\n演示账号（密码相同）：")
                self.stdout.write(demo.login_table(existing))
                return
        try:
            totals = demo.load(
                seed=options["seed"],
                cadres=options["cadres"],
                units=options["units"],
                batch=options["batch"],
                progress=say,
            )
        except demo.DemoExistsError as exc:
            raise CommandError(str(exc)) from None
        users = list(
            User.objects.filter(username__in=[u.username for u in demo.DEMO_USERS]).order_by("id")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"示范数据已生成：单位 {totals['units']} 个，干部 {totals['cadres']} 人，"
                f"任职 {totals.get('appointment', 0)} 条，超职数单位 "
                f"{totals['over_establishment_units']} 个"
            )
        )
        self.stdout.write("\n演示账号（密码相同）：\n" + demo.login_table(users))
