"""The demo typical-case library (典型案例): 10 published cases without names or identifying
details, two drafted from closed demo cases (`source_case`), the rest written directly, in the
manner of 桂林's collection (key projects, poverty alleviation, urban management, …).

The stories are invented for the demo.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.tolerance.constants import Area, CaseStatus, Distinction
from apps.tolerance.demo.world import TODAY, between
from apps.tolerance.models import ToleranceCase, TypicalCase
from apps.tolerance.search import build_search_text
from apps.units.models import Unit

D = Distinction
# (source spec key or "", title, area, situation, decision, distinction, lesson, tags)
TYPICAL = (
    ("plant", "先行开工抢工期，集体决策获容错", Area.KEY_PROJECT,
     "某县工业园区标准厂房项目为赶在汛期前完成基础施工，项目指挥部集体研究后，在施工图审查意见"
     "未全部回复时先行开工，后因设计变更增加投资。",
     "经核实，先行开工经集体研究决定，出发点是推动项目按期投产，当事干部未谋取私利，并主动"
     "优化方案挽回部分损失，符合正面清单情形，予以容错免责。",
     D.INEXPERIENCE,
     "重点项目既要敢于抢抓工期，也要把集体决策和风险评估做在前面，做到“快而不乱”。",
     ["重点项目", "先行先试", "集体决策"]),
    ("flood", "紧急转移群众临机决断，程序后补获免责", Area.EMERGENCY,
     "强降雨期间，某乡镇干部在未及时取得上级批复的情况下调用应急物资、借用村民房屋安置转移群众，"
     "事后补办手续超出规定时限。",
     "紧急情况下为保障群众生命安全临机决断，未发生人员伤亡，物资使用有据可查，属于不可抗力情形"
     "下的无意过失，予以容错免责。",
     D.NO_GAIN,
     "应急处置中要敢于担当、果断决策，事后及时补齐程序、留存台账。",
     ["应急处置", "不可抗力", "群众安全"]),
    ("", "产业帮扶项目遇市场波动，未达预期不问责", Area.POVERTY,
     "某村驻村工作队引进特色种植项目，经村民代表大会通过后实施，次年因市场价格大幅下跌，"
     "村集体投入未能按期收回。",
     "项目决策程序规范，市场波动属难以预见因素，工作队及时调整销售渠道减少损失，予以容错，"
     "不影响相关干部考核评优。",
     D.INEXPERIENCE,
     "产业帮扶要做足市场调研，建立风险防范机制，但不能因噎废食、不敢作为。",
     ["脱贫攻坚", "产业帮扶", "市场风险"]),
    ("", "易地搬迁安置探索新模式，出现偏差及时纠正", Area.POVERTY,
     "某乡镇在易地扶贫搬迁安置中探索“集中安置+就业帮扶”模式，部分配套就业岗位未按期到位，"
     "引发搬迁群众不满。",
     "属于上级无明确规定的探索性工作，当事干部未谋取私利，问题发现后及时协调企业增设岗位，"
     "予以部分容错，从轻处理。",
     D.EXPLORATION,
     "探索新模式要同步做好群众工作和政策解释，边探索边完善。",
     ["脱贫攻坚", "易地搬迁", "探索创新"]),
    ("", "老旧小区改造赶进度，告知不周引信访", Area.URBAN,
     "某街道推进老旧小区改造时，为按期完成任务对部分违建集中拆除，因告知程序不够完整引发信访。",
     "整治依据政府通告开展，出发点是改善群众居住环境，事后逐户解释并落实过渡安置，予以部分容错，"
     "责令完善告知程序。",
     D.NO_GAIN,
     "城市管理既要有力度也要有温度，依法依规、程序到位是底线。",
     ["城市管理", "老旧小区改造", "程序规范"]),
    ("", "城市管理执法方式创新，试点出现偏差获容错", Area.URBAN,
     "某区试点“非现场执法”，因系统识别误差对部分车辆误发违停告知，引起群众投诉。",
     "试点经区政府常务会议研究，上级无明确禁止，发现问题后立即暂停并逐一撤销告知，"
     "未造成实际损失，予以容错免责。",
     D.EXPLORATION,
     "数字化治理要先小范围试点、充分测试，发现问题第一时间纠正。",
     ["城市管理", "数字化", "改革试点"]),
    ("", "招商优惠兑现后企业停产，集体决策免于追责", Area.INVESTMENT,
     "某县按政府常务会议决定给予引进企业奖补优惠，企业投产后因市场变化停产，奖补资金暂难追回。",
     "优惠政策符合当时招商政策并经集体决策，当事干部未谋取私利，已启动追偿程序，予以容错免责。",
     D.INEXPERIENCE,
     "招商引资要完善履约监管和退出追偿条款，防范政策风险。",
     ["招商引资", "集体决策", "风险防控"]),
    ("", "容缺受理改革遇虚假材料，完善机制后免责", Area.REFORM,
     "某县政务服务中心先行试点容缺受理，一家企业利用容缺受理提交虚假材料取得许可。",
     "容缺受理属于改革探索，上级无明确禁止，发现后及时撤销许可并建立信用承诺和事后核查机制，"
     "予以容错免责。",
     D.EXPLORATION,
     "改革探索要同步建立风险防控和信用约束机制。",
     ["改革创新", "政务服务", "容缺受理"]),
    ("", "污水管网遇流沙层工期延误，不可预见因素获容错", Area.KEY_PROJECT,
     "某县城污水管网工程施工中遭遇与勘察报告严重不符的流沙层，工期延误5个月并增加费用。",
     "地质条件变化属于难以预见的客观因素，项目负责人及时组织专家论证调整方案，予以容错免责，"
     "并督促完善勘察复核机制。",
     D.NO_GAIN,
     "重大工程要重视前期勘察和风险预案，遇到意外情况科学决策、及时报告。",
     ["重点项目", "不可抗力", "工程建设"]),
    ("", "违规使用帮扶资金并由亲属承接工程，不予容错", Area.POVERTY,
     "某村干部未经集体研究，将产业帮扶资金用于办公用房装修，并由其亲属承接工程。",
     "属于为他人谋取不正当利益的情形，列入负面清单，不予容错，移交纪检监察机关依规依纪处理。",
     D.NO_GAIN,
     "容错不是“免罪金牌”，谋取私利、触碰纪律红线的一律不予容错。",
     ["脱贫攻坚", "负面清单", "不予容错"]),
)  # fmt: skip


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(15)))


def make_typical(
    rng: random.Random, root: Unit, sources: dict[str, ToleranceCase]
) -> list[TypicalCase]:
    """The published library; a case drafted from a demo case is published after it closed."""
    rows = []
    for key, title, area, situation, decision, distinction, lesson, tags in TYPICAL:
        source = sources.get(key) if key else None
        if key and source is None:
            continue  # the small demo found no cadre for that case
        if source is not None and source.closed_on is not None:
            after = source.closed_on
            published = between(rng, after + timedelta(days=20), after + timedelta(days=90))
        else:
            published = between(rng, date(2024, 3, 1), TODAY - timedelta(days=10))
        published = min(published, TODAY - timedelta(days=3))
        row = TypicalCase(
            unit=root,
            source_case=source,
            status=CaseStatus.PUBLISHED,
            title=title,
            area=area,
            situation=situation,
            decision=decision,
            distinction=distinction,
            lesson=lesson,
            tags=list(tags),
            reviewed_at=_aware(published - timedelta(days=rng.randint(2, 10))),
            published_at=_aware(published),
        )
        row.search_text = build_search_text(
            title=title, situation=situation, decision=decision, lesson=lesson, tags=tags
        )
        rows.append(row)
    TypicalCase.objects.bulk_create(rows)
    return rows
