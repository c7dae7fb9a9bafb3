"""The demo sanctions as data: 12 of each kind (党纪处分 / 政务处分 / 组织处理) with their types
spread, and the texts of the follow-up visits and reuse assessments. Invented for the demo.

Modes: "active" — in its influence period at TODAY; "ended" — period over; "reuse" / "observe" —
period over, then a 考察评估 recommending reuse (with the new post linked) or observation;
"moved" — 调离岗位, decided on the day one of the cadre's appointments ended, the cadre moving
on to a post no higher.

Types the demo cadres' records cannot carry are left out: expulsions (开除党籍, 开除 — the person
would have left the cadre records) and the handlings that take a post away for good (撤销党内职务,
撤职, 责令辞职, 免职, 降职 — every post that ends in the generated careers is followed at once by
another, so the record would contradict them). 改任职级 goes to cadres holding no leadership post.
"""

from apps.tolerance.constants import SanctionType

T = SanctionType
# (type, mode, 留党察看 months)
PLAN: tuple[tuple[str, str, int | None], ...] = (
    (T.PARTY_WARNING, "active", None),
    (T.PARTY_WARNING, "active", None),
    (T.PARTY_WARNING, "ended", None),
    (T.PARTY_WARNING, "reuse", None),
    (T.PARTY_SERIOUS_WARNING, "active", None),
    (T.PARTY_SERIOUS_WARNING, "active", None),
    (T.PARTY_SERIOUS_WARNING, "ended", None),
    (T.PARTY_SERIOUS_WARNING, "observe", None),
    (T.PARTY_PROBATION, "active", 12),
    (T.PARTY_PROBATION, "ended", 12),
    (T.PARTY_PROBATION, "active", 24),
    (T.PARTY_PROBATION, "active", 24),
    (T.ADMIN_WARNING, "active", None),
    (T.ADMIN_WARNING, "ended", None),
    (T.ADMIN_WARNING, "ended", None),
    (T.ADMIN_DEMERIT, "active", None),
    (T.ADMIN_DEMERIT, "active", None),
    (T.ADMIN_DEMERIT, "ended", None),
    (T.ADMIN_MAJOR_DEMERIT, "active", None),
    (T.ADMIN_MAJOR_DEMERIT, "active", None),
    (T.ADMIN_MAJOR_DEMERIT, "ended", None),
    (T.ADMIN_DEMOTION, "active", None),
    (T.ADMIN_DEMOTION, "active", None),
    (T.ADMIN_DEMOTION, "ended", None),
    (T.ORG_ADMONITION, "active", None),
    (T.ORG_ADMONITION, "active", None),
    (T.ORG_ADMONITION, "ended", None),
    (T.ORG_ADMONITION, "ended", None),
    (T.ORG_TRANSFER, "moved", None),
    (T.ORG_TRANSFER, "moved", None),
    (T.ORG_TRANSFER, "moved", None),
    (T.ORG_TRANSFER, "moved", None),
    (T.ORG_RANK_CHANGE, "active", None),
    (T.ORG_RANK_CHANGE, "active", None),
    (T.ORG_RANK_CHANGE, "active", None),
    (T.ORG_RANK_CHANGE, "ended", None),
)
SUMMARIES: dict[str, str] = {
    T.PARTY_WARNING: "违反中央八项规定精神，接受管理服务对象安排的宴请。",
    T.PARTY_SERIOUS_WARNING: "违规收受管理服务对象所送礼金、消费卡。",
    T.PARTY_PROBATION: "违规插手工程项目，为亲属承揽工程提供便利。",
    T.ADMIN_WARNING: "履行安全生产监管职责不到位，对辖区企业安全隐患督促整改不力。",
    T.ADMIN_DEMERIT: "在惠民补贴资金审核中把关不严，造成补贴资金被冒领。",
    T.ADMIN_MAJOR_DEMERIT: "在项目招标中未严格执行规定，造成国有资金损失。",
    T.ADMIN_DEMOTION: "在征地补偿工作中违规操作，造成不良社会影响。",
    T.ORG_ADMONITION: "工作作风不实，对群众反映的问题推诿敷衍。",
    T.ORG_TRANSFER: "在重点工作中推进不力，不适宜继续在现岗位工作。",
    T.ORG_RANK_CHANGE: "担当作为不够，经研究改任职级。",
}
THINKING = (
    "能够正确对待处分，深刻反思，思想总体稳定。",
    "对所犯错误认识深刻，表示要吸取教训、轻装上阵。",
    "起初有一定思想包袱，经谈心谈话后情绪明显好转。",
    "思想稳定，主动向组织汇报思想和工作情况。",
)
WORK = (
    "工作积极主动，较好完成了分管任务。",
    "能够安心本职工作，在重点任务中表现较好。",
    "履职尽责，年度考核称职，群众评价较好。",
    "工作态度端正，完成交办任务及时。",
)
DIFFICULTIES = (
    "",
    "希望组织多给予学习培训机会。",
    "家中老人患病，照顾压力较大。",
    "",
    "对今后的发展方向有些顾虑。",
)
HELP = (
    "帮带责任人开展谈心谈话，鼓励其放下包袱、安心工作。",
    "安排参加专题培训，协调解决家庭实际困难。",
    "压担子交任务，在重点工作中给予锻炼机会。",
)
REUSE_FINDINGS = {
    "reuse": "影响期内政治表现好，认真反思整改，履职尽责，年度考核均为称职，群众认可度高，"
    "经考察符合任职条件，建议重新使用。",
    "observe": "影响期内能正确对待处分，但履职成效一般，群众对其工作作风仍有意见，"
    "建议继续观察一段时间。",
}
MENTOR_END = {
    "expired": "影响期满，帮带结束",
    "replaced": "原帮带责任人交流任职，更换帮带责任人",
    "retired": "帮带责任人退休，尚未重新确定",
}
