"""Verify the audit log's hash chain; exit non-zero on any break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import verify_chain
from apps.core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计日志哈希链（发现篡改、删除或插入时返回非零）"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(f"事件 {problem.event_id}: {problem.reason}")
        if problems:
            raise CommandError(f"审计日志哈希链校验失败：{len(problems)} 处问题")
        self.stdout.write(f"审计日志哈希链完整：{AuditEvent.objects.count()} 条事件")
