"""The 15 demo tolerance cases as data: stage, (expected) outcome, area, the matter and the list
entries the checklist matches. `{place}` is the cadre's county (青山县) and `{unit}` their unit.

The stories are invented for the demo; no case, place or person is real.
"""

from dataclasses import dataclass

from apps.tolerance.constants import Area, CaseStage, Outcome

S, OC = CaseStage, Outcome


@dataclass(frozen=True, slots=True)
class CaseSpec:
    key: str
    stage: str
    outcome: str  # the conclusion (CONCLUDED, CLOSED) or what the checklist points to (DETERMINED)
    area: str
    matter: str
    reasons: str
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    force_majeure: bool = False


CASES = (
    CaseSpec(
        "plant",
        S.CLOSED,
        OC.TOLERATED,
        Area.KEY_PROJECT,
        "在{place}工业园区标准厂房项目建设中，为赶在汛期前完成基础施工，经项目指挥部集体研究，"
        "在施工图审查意见尚未全部回复时同意先行开工，后因设计变更增加投资约120万元。",
        "先行开工经指挥部会议集体研究决定，目的是确保项目按期投产，本人未从中谋取任何利益；"
        "发现问题后已督促设计单位优化方案，挽回损失约40万元。",
        ("Z1", "Z8"),
    ),
    CaseSpec(
        "mushroom",
        S.CONCLUDED,
        OC.TOLERATED,
        Area.POVERTY,
        "在{place}易地扶贫搬迁安置点配套产业项目中，牵头引进食用菌种植项目，因市场价格大幅下跌，"
        "村集体经济投入资金约35万元未能按期收回。",
        "项目经村民代表大会讨论通过并报乡镇审核，市场价格下跌属难以预见的因素。",
        ("Z2", "Z7"),
    ),
    CaseSpec(
        "factory",
        S.DETERMINED,
        OC.TOLERATED,
        Area.INVESTMENT,
        "在{place}招商引资项目中，按县政府常务会议决定给予企业用地和奖补优惠，企业投产后因市场变化"
        "停产，已兑现的奖补资金约80万元暂难追回。",
        "优惠政策经集体决策并符合当时招商政策，已启动追偿程序。",
        ("Z3",),
    ),
    CaseSpec(
        "flood",
        S.CLOSED,
        OC.TOLERATED,
        Area.EMERGENCY,
        "强降雨期间，在未及时取得上级批复的情况下，组织调用应急物资并临时借用村民房屋安置转移群众，"
        "事后补办手续超出规定时限。",
        "紧急情况下为保障群众生命安全临机决断，未发生人员伤亡，物资使用均有台账可查。",
        ("Z4",),
        force_majeure=True,
    ),
    CaseSpec(
        "lane",
        S.VERIFIED,
        OC.TOLERATED,
        Area.URBAN,
        "在{place}老旧小区改造和违建整治中，为按期完成整治任务，对部分临街违建集中拆除，"
        "因告知程序不够完整引发群众集体信访。",
        "整治依据县政府通告开展，事后逐户上门解释并落实过渡安置。",
    ),
    CaseSpec(
        "sewer",
        S.VERIFIED,
        OC.TOLERATED,
        Area.KEY_PROJECT,
        "在县城污水管网建设项目中，因地质条件与勘察报告严重不符，施工中遭遇流沙层，"
        "工期延误5个月，增加费用约60万元。",
        "地质条件变化属于难以预见的客观因素，发现后及时组织专家论证调整方案。",
    ),
    CaseSpec(
        "window",
        S.ACCEPTED,
        OC.TOLERATED,
        Area.REFORM,
        "在推行“一窗受理、集成服务”改革中先行试点容缺受理，一家企业利用容缺受理提交虚假材料"
        "取得许可，造成一定不良影响。",
        "容缺受理属改革探索，上级无明确禁止；发现后已撤销许可并完善核查机制。",
    ),
    CaseSpec(
        "forest",
        S.ACCEPTED,
        OC.TOLERATED,
        Area.EMERGENCY,
        "在森林防火期扑救山火中，为尽快控制火势临时调集非专业扑火队伍，造成1名群众轻伤。",
        "火情紧急，为防止火势蔓延至村庄临机决断，事后妥善救治并落实补偿。",
    ),
    CaseSpec(
        "office",
        S.CONCLUDED,
        OC.NOT_TOLERATED,
        Area.POVERTY,
        "在产业帮扶资金使用中，未经集体研究将帮扶资金用于村办公用房装修，并由其亲属承接工程。",
        "申请人认为装修系为改善村级办公条件。",
        (),
        ("F3",),
    ),
    CaseSpec(
        "permit",
        S.DETERMINED,
        OC.NOT_TOLERATED,
        Area.INVESTMENT,
        "在上级已明确要求暂停审批的情况下，仍为一家企业办理项目用地预审手续。",
        "申请人认为系为避免企业外流、保住招商成果。",
        (),
        ("F4",),
    ),
    CaseSpec(
        "street",
        S.CONCLUDED,
        OC.PARTLY,
        Area.URBAN,
        "在城市道路占道经营集中整治中，对执法队员的过激行为未及时制止，相关视频在网络传播，"
        "造成不良影响。",
        "整治行动经县政府部署，本人在事发后第一时间道歉并处理相关人员。",
        ("Z5",),
    ),
    CaseSpec(
        "shares",
        S.CLOSED,
        OC.PARTLY,
        Area.REFORM,
        "在农村集体产权制度改革试点中，股权量化方案未经村民代表大会充分讨论即报批实施，"
        "部分村民不满并上访。",
        "试点任务时间紧，方案内容符合上级政策，已重新组织讨论并修订方案。",
        ("Z6",),
    ),
    CaseSpec(
        "canteen",
        S.APPLIED,
        OC.TOLERATED,
        Area.OTHER,
        "在乡镇机关食堂社会化改革中，采购程序不够规范，被审计指出问题。",
        "改革系按县里部署先行试点，采购价格经比对不高于市场价，本人未从中获利。",
    ),
    CaseSpec(
        "bridge",
        S.APPLIED,
        OC.TOLERATED,
        Area.KEY_PROJECT,
        "在农村公路桥梁建设项目中，为抢抓施工窗口期，在部分用地手续未办结时先行组织施工，"
        "被自然资源部门责令整改。",
        "经乡镇党委会研究决定，用地已补办完成，未造成损失。",
    ),
    CaseSpec(
        "banquet",
        S.NOT_ACCEPTED,
        OC.NOT_TOLERATED,
        Area.OTHER,
        "在接待外地考察团时超标准安排公务宴请并饮酒。",
        "申请人认为接待系为招商引资需要。",
        (),
        ("F2",),
    ),
)

NOT_ACCEPTED_REASON = (
    "所反映问题属于办法负面清单第二项（违反中央八项规定及其实施细则精神）情形，"
    "不属于容错申请受理范围，不予受理。"
)
INVESTIGATION = (
    "调取了会议纪要、审批材料和资金台账，走访相关单位和群众，基本查清失误错误的事实、原因和后果。"
)
INTERVIEWS = "与申请人本人、分管领导及经办人员分别谈话，共{n}人次，谈话笔录已归档。"

# (d1, d2, d3, c1 … c6, is_repeat) per outcome: the three distinctions (TOL-1), the six
# conditions (TOL-4) and the repeat exclusion (TOL-6)
CHECKS: dict[str, tuple[bool, ...]] = {
    OC.TOLERATED: (True, True, True, True, True, False, True, True, True, False),
    OC.PARTLY: (True, True, True, True, True, False, True, False, True, False),
    OC.NOT_TOLERATED: (False, False, False, False, False, False, False, False, False, False),
}
D_REASONS: dict[str, tuple[str, str, str]] = {
    OC.TOLERATED: (
        "属于推进工作中缺乏经验、先行先试出现的失误，并非明知故犯。",
        "上级对此尚无明确禁止性规定，属于探索性工作。",
        "出发点是推动工作落实，经核实本人未谋取任何私利。",
    ),
    OC.PARTLY: (
        "属于改革探索中缺乏经验出现的失误，但本人对程序要求应当知晓。",
        "上级对此无明确禁止性规定。",
        "经核实本人未谋取私利，但决策程序存在瑕疵。",
    ),
    OC.NOT_TOLERATED: (
        "相关规定明确，本人明知而为之。",
        "属于上级明令禁止后依然我行我素的情形。",
        "存在为他人或亲属谋取利益的情形。",
    ),
}
FACTORS: dict[str, str] = {
    OC.TOLERATED: "动机端正、出于公心；客观条件复杂；经集体决策；性质较轻；已主动挽回损失。",
    OC.PARTLY: "动机端正，但程序方法存在明显瑕疵；造成一定不良影响，已积极整改。",
    OC.NOT_TOLERATED: "动机不纯，违反明确规定；性质较重，造成不良影响，未主动纠正。",
}
CONCLUSIONS: dict[str, str] = {
    OC.TOLERATED: "经综合分析研判，符合办法正面清单所列情形，予以容错免责，不作负面评价。",
    OC.PARTLY: "经综合分析研判，部分符合容错情形，但决策程序存在瑕疵，予以从轻处理（部分容错）。",
    OC.NOT_TOLERATED: "属于办法负面清单所列情形，不予容错，移交相关部门依规依纪处理。",
}
# (measure, owner: "unit" = the cadre's unit, "org" = the county's organisation department)
MEASURES = (
    ("完善相关工作制度和审批流程，补办手续", "unit"),
    ("对相关人员开展提醒谈话，组织专题学习相关政策法规", "org"),
    ("建立问题整改台账，逐项销号", "unit"),
    ("跟踪评估整改效果，形成书面报告", "org"),
)
