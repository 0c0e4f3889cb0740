"""The demo's ready answers (答复库) of 海城区妇联: written by its dispatcher, approved by its
protection officer, through the real actions; a second run adds nothing. Addresses and
offices are described generally; the numbers are the national hotlines."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from sanshi.answers import actions
from sanshi.answers.actions import AnswerText
from sanshi.answers.models import AnswerKind, ReadyAnswer
from sanshi.orgs.models import Membership, Role

ANSWERS = [
    AnswerText(
        "safety",
        AnswerKind.WHERE_TO_GO,
        "遭受家庭暴力怎么办",
        "有危险请立即拨打 110。可以请公安机关出具告诫书；可以向人民法院申请人身安全保护令，"
        "情况紧急的法院 24 小时内作出裁定，妇联可以协助申请。妇女维权公益热线 12338。",
        public=True,
    ),
    AnswerText(
        "family",
        AnswerKind.LEGAL_AID,
        "离婚、抚养费纠纷可申请法律援助",
        "区法律援助中心可以免费咨询；经济困难的可以申请法律援助律师代理。"
        "全国法律援助热线 12348。请带身份证和相关材料。",
        public=True,
    ),
    AnswerText(
        "work",
        AnswerKind.POLICY,
        "免费技能培训怎么报名",
        "人社部门和妇联每年开办免费的家政、育婴、电商等技能培训。"
        "报名请联系所在社区妇联，或留意区人社局的通知。",
        public=True,
    ),
    AnswerText(
        "children",
        AnswerKind.WHERE_TO_GO,
        "放学后孩子没人照看",
        "社区儿童之家放学后免费开放，有作业辅导和活动；开放时间请问所在社区妇联。",
        public=True,
    ),
    AnswerText(
        "hardship",
        AnswerKind.POLICY,
        "低保与临时救助",
        "可以向户籍地或居住地的乡镇（街道）申请，社区（村）可以协助准备材料；"
        "遇到突发困难的，可以申请临时救助。",
        public=True,
    ),
    AnswerText(
        "family",
        AnswerKind.OTHER,
        "婚姻家庭纠纷调解（内部口径）",
        "先分别听双方意见，再约定调解时间和地点；有家暴迹象的不做调解，按危险诉求流程处理。",
    ),
]


def load_answers() -> int:
    """The answers, proposed and approved; 0 when the demo already has some."""
    if ReadyAnswer.objects.exists():
        return 0
    users = get_user_model().objects
    writer = users.get(username="haicheng_dispatcher")
    approver = users.get(username="haicheng_protection")
    held = Membership.objects.filter(person__user=writer, role=Role.DISPATCHER).order_by("pk")
    county = held.select_related("org").first()
    if county is None:
        return 0
    for text in ANSWERS:
        answer = actions.propose_answer(county.org, text, actor=writer)
        actions.approve_answer(answer, actor=approver)
    return len(ANSWERS)
