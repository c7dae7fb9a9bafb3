"""Issue a REST API token for a user and print it once (only its SHA-256 is stored)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts.api_auth import token_create
from apps.accounts.models import User

DEFAULT_DAYS = 90
MAX_DAYS = 365


class Command(BaseCommand):
    help = "为用户创建接口访问令牌（只显示一次，请妥善保存）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名（组织部门干部管理员或领导）")
        parser.add_argument("--name", required=True, help="令牌用途，如“人事系统同步”")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"有效天数（1–{MAX_DAYS}，默认 {DEFAULT_DAYS}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"有效天数须在 1–{MAX_DAYS} 之间")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("令牌名称不能为空且不超过100个字符")
        try:
            token, key = token_create(
                actor=None,
                user=user,
                name=name,
                expires_at=timezone.now() + timedelta(days=days),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        expires = timezone.localtime(token.expires_at) if token.expires_at else None
        self.stdout.write(f"令牌前缀：{token.prefix}  过期时间：{expires:%Y-%m-%d %H:%M}")
        self.stdout.write("令牌（只显示这一次，请立即妥善保存）：")
        self.stdout.write(key)
