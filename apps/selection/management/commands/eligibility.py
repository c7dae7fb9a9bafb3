"""manage.py eligibility — judge a cadre's eligibility for a post tier or a 职级 from the command
line (issue 8 item 8): from facts given as JSON (no cadre data is read), or for a cadre of the
system (`--cadre-id`, read as the system actor and audited). Prints the verdict as JSON, or as a
Chinese table with --table. Exit status 0 either way; bad input is a CommandError (status 1).

    manage.py eligibility --facts cadre.json --tier division_deputy --party-post --on 2026-11-25
    manage.py eligibility --facts - --rank principal_staff_1 --table < cadre.json
    manage.py eligibility --cadre-id 42 --tier division_principal
"""

import json
import sys
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import DomainError
from apps.selection.api import make_target
from apps.selection.engine import Verdict, evaluate
from apps.selection.facts import facts_of
from apps.selection.facts_json import facts_from_json

SYSTEM_ACTOR = "system (manage.py eligibility)"
COLUMNS = ("规则", "审查事项", "干部情况", "要求", "结果", "届时符合", "依据及说明")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"审查日期（--on）格式无效：{text}（应为 YYYY-MM-DD）") from None


def _read_facts(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"无法读取干部情况文件：{error.strerror or error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"第{error.lineno}行第{error.colno}列"
        raise CommandError(f"干部情况不是有效的 JSON（{where}）") from None


def table(verdict: Verdict) -> str:
    """The verdict as a plain-text table (tab-separated columns) with a conclusion line."""
    data = verdict.as_dict()
    lines = [f"拟任：{data['target']['label']}　审查日期：{data['on']}", "\t".join(COLUMNS)]
    for check in data["checks"]:
        basis = check["article"] + (f"；{check['note']}" if check["note"] else "")
        lines.append(
            "\t".join(
                (
                    check["rule"],
                    check["title"],
                    check["fact"],
                    check["threshold"],
                    check["outcome_label"],
                    check["passes_on"] or "",
                    basis,
                )
            )
        )
    if verdict.eligible:
        conclusion = "结论：符合任职资格"
    elif verdict.passes_on:
        conclusion = f"结论：不符合任职资格（{verdict.passes_on.isoformat()}起可满足）"
    else:
        conclusion = "结论：不符合任职资格"
    if verdict.waiver is not None:
        conclusion += f"；破格提拔依据：{data['exceptional']['ground_label']}"
    lines.append(conclusion)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "按干部情况（JSON）或系统内干部审查任职资格，输出审查链条（JSON 或中文表格）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--facts", help="干部情况 JSON 文件（- 表示标准输入）")
        source.add_argument(
            "--cadre-id", type=int, help="系统内干部编号（以系统身份读取，记入审计）"
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--tier", help="拟任职务层次，如 division_deputy")
        target.add_argument("--rank", help="拟晋升职级，如 principal_staff_1")
        parser.add_argument("--party-post", action="store_true", help="拟任党的领导职务")
        parser.add_argument("--on", help="审查日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--table", action="store_true", help="输出中文表格而非 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["on"]) if options["on"] else timezone.localdate()
        try:
            target = make_target(options["tier"], options["rank"], options["party_post"])
            if options["cadre_id"] is not None:
                verdict = self._cadre_verdict(options["cadre_id"], target, day)
            else:
                facts = facts_from_json(_read_facts(options["facts"]))
                verdict = evaluate(facts, target, day)
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["table"]:
            self.stdout.write(table(verdict))
        else:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))

    def _cadre_verdict(self, cadre_id: int, target: Any, day: date) -> Verdict:
        cadre = (
            Cadre.objects.unscoped_for_jobs_and_migrations()
            .filter(pk=cadre_id, deleted_at__isnull=True)
            .first()
        )
        if cadre is None:
            raise CommandError(f"干部不存在：编号 {cadre_id}")
        verdict = evaluate(facts_of(cadre.pk, day), target, day)
        audit.record(
            action="selection.eligibility.view",
            actor_name=SYSTEM_ACTOR,
            target=cadre,
            detail={
                "tier": target.tier,
                "rank": target.rank,
                "party_post": target.party_post,
                "on": day,
                "eligible": verdict.eligible,
            },
        )
        return verdict
