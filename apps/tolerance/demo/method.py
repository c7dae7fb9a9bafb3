"""The demo city's 容错纠错办法: two published versions with the interpretation and the lists.

EXAMPLE TEXT: the method, its interpretation (释义) and its positive and negative lists below are
illustrations written for the demo, modelled on the published provincial measures that rules.md
cites (TOL-1 … TOL-6). A locality replaces them with its own document through the method pages.
"""

from datetime import date, datetime, time

from django.utils import timezone

from apps.tolerance.constants import ListKind
from apps.tolerance.models import ToleranceList, ToleranceMethod
from apps.units.models import Unit

TITLE = "示范市党政干部容错纠错办法（试行）"
V1_FROM = date(2024, 1, 1)
V2_FROM = date(2026, 7, 1)

INTERPRETATION = "\n\n".join(
    (
        "【示例文本】本释义为演示数据，仅用于展示系统功能，"
        "使用单位应替换为本地区正式印发的办法及释义。",
        "一、本办法所称容错，是指对干部在履职担当、改革创新过程中，未能实现预期目标或出现偏差失误，"
        "但符合法律法规和政策规定，勤勉尽责、未谋取私利的，不作负面评价，"
        "免除相关责任或从轻减轻处理。",
        "二、容错认定坚持“三个区分开来”：把干部在推进改革中因缺乏经验、先行先试出现的失误和错误，"
        "同明知故犯的违纪违法行为区分开来；把上级尚无明确限制的探索性试验中的失误和错误，"
        "同上级明令禁止后依然我行我素的违纪违法行为区分开来；把为推动发展的无意过失，"
        "同为谋取私利的违纪违法行为区分开来。",
        "三、认定时结合动机态度、客观条件、程序方法、性质程度、后果影响以及挽回损失等情况"
        "综合分析研判。重复出现同样失误的，除不可抗力等特殊情况外，不予容错。",
        "四、干部本人或所在单位应当自收到问责（调查）告知之日起30日内提出容错申请。",
        "五、作出容错结论的，应当同时明确纠错措施、责任人和完成时限，"
        "跟踪督促整改到位（容错并举、纠错）。",
    )
)

POSITIVE = (
    "在推进重点项目建设中，为抢抓工期、破解难题，经集体研究先行先试，出现失误或未达预期效果的",
    "在脱贫攻坚、乡村振兴工作中，因缺乏经验或政策界限不够明确，出现一般性失误的",
    "在招商引资、服务企业中，按照集体决策积极作为，因市场变化等客观原因造成损失的",
    "在处置突发事件、抢险救灾等紧急情况下，为维护群众生命财产安全，临机决断出现失误的",
    "在城市管理、征地拆迁等矛盾集中领域，依法依规推进工作，因群众诉求复杂引发一般性问题的",
    "在深化改革、探索创新中，上级尚无明确限制，因先行先试出现偏差的",
    "因政策调整、不可抗力等难以预见的因素，未能实现预期目标的",
    "对错误决策明确提出反对意见但未被采纳，或主动采取措施挽回损失、消除不良影响的",
)
NEGATIVE = (
    "违反政治纪律和政治规矩的",
    "违反中央八项规定及其实施细则精神的",
    "为自己、他人或单位谋取不正当利益的",
    "上级明令禁止后依然我行我素，或者明知故犯的",
    "弄虚作假、欺上瞒下，或者故意隐瞒、掩盖失误错误的",
    "同一问题经提醒、批评后仍重复出现失误的",
)
POSITIVE_V2 = "在推进数字政府建设、优化营商环境改革中，按照规定程序大胆探索，出现失误的"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _items(method: ToleranceMethod, positive: tuple[str, ...]) -> list[ToleranceList]:
    rows = [
        ToleranceList(method=method, kind=ListKind.POSITIVE, code=f"Z{i}", text=t, sort_order=i)
        for i, t in enumerate(positive, 1)
    ]
    rows += [
        ToleranceList(method=method, kind=ListKind.NEGATIVE, code=f"F{i}", text=t, sort_order=i)
        for i, t in enumerate(NEGATIVE, 1)
    ]
    return rows


def make_methods(root: Unit) -> list[ToleranceMethod]:
    """Both versions with their list entries, oldest first."""
    v1 = ToleranceMethod(
        unit=root,
        title=TITLE,
        version_label="2024年版",
        effective_from=V1_FROM,
        interpretation=INTERPRETATION,
        published_at=_aware(date(2023, 12, 20)),
    )
    v2 = ToleranceMethod(
        unit=root,
        title=TITLE,
        version_label="2026年修订版",
        effective_from=V2_FROM,
        interpretation=INTERPRETATION
        + "\n\n六、2026年修订增加正面清单第九项（数字政府建设和营商环境改革中的探索）。",
        published_at=_aware(date(2026, 6, 20)),
    )
    ToleranceMethod.objects.bulk_create([v1, v2])
    ToleranceList.objects.bulk_create(_items(v1, POSITIVE) + _items(v2, (*POSITIVE, POSITIVE_V2)))
    return [v1, v2]


def in_force(methods: list[ToleranceMethod], day: date) -> ToleranceMethod:
    """The version in force on `day` (the checklist shows the version of the application)."""
    older = [m for m in methods if m.effective_from and m.effective_from <= day]
    return older[-1] if older else methods[0]
