"""Reply review for supervisors: flag answers that miss the question, lack what an answer must
hold, or came late — each flag with its reason in words, so a supervisor can judge it.

What an answer must hold (the assessment rules of government hotlines): what was done or
decided, on what basis (a law, a rule, a policy, a finding on site), and whom to contact. The
checks are phrase lists written from the 2,816 answered messages in
../shared/data/replied_messages.csv: they are shown to the supervisor as reasons, so they are
plain rules rather than a model nobody can explain. A flag is a prompt to read, not a verdict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Case
from sanfu.routing.keywords import cosine, hashed, keyword_weights
from sanfu.routing.text import clean

# Fewer characters than this, once courtesies, receipts and vague forwarding are removed, is
# not an answer. "已转L6县调查核处" (9) names where the request went and is kept; "已转交相关部门"
# says nothing and is removed before counting.
MIN_SUBSTANCE = 8
# Whether an answer is about the question is judged only when it says enough to judge: a
# procedural answer ("请进一步完善个人信息") shares no words with any question.
MIN_TOPICAL = 80
# The answer's keywords must overlap the question's at least this much (cosine), unless it
# repeats one of the question's main words.
MIN_OVERLAP = 0.08
MAIN_WORDS = 5
# Without a deadline from the case, an answer after this many days is late (the board's
# own rule was 15 working days; calendar days are a safe reading when no calendar is known).
LATE_DAYS = 15

# What every answer says and no answer needs: greetings, the requester's board name, receipt,
# thanks and wishes, "here is our answer", the date. Clause by clause, so the facts around
# them stay.
_COURTESY = re.compile(
    r"(尊敬的|亲爱的|广大)?(网友|市民|来信人|网民朋友|网民|发帖人)?[“\"]?[\w\-]{0,20}[”\"]?"
    r"(网友)?[：:]?\s*(您好|你好|你们好)[!！,，。：:]*|"
    r"(尊敬的|亲爱的)?(网友|网民|来信人|市民)[^，。！]{0,12}[：:]|"
    r"[“\"][\w\-]{1,20}[”\"][：:]?|\b[A-Z]{1,2}\d{5,}[：:]?|"
    r"[^。！!，,；;]{0,40}(收悉|获悉|知悉|已经收到|已收到)[。！!，,；;]?|"
    r"(再次|首先|在此|最后)?[，,]?(十分|非常|特别)?(感谢|谢谢)[^。！!]{0,40}[。！!]?|"
    r"(祝|敬祝)(您|你)[^。！!]{0,20}[。！!]?|很高兴能?(为|帮助到?)(您|你)[^。！!]{0,10}[。！!]?|"
    r"现(将|就)?[^。：:]{0,40}(答复|回复|说明|报告)如下[：:。]?|特此(回复|答复|说明)[。！]?"
)
# A date on its own is the answer's signature; a dated event ("于5月6日更换") is a finding.
_DATE = re.compile(
    r"\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|二[〇o○零][^\s,，。]{2,10}日"
)
# Forwarding to nobody in particular and promises of news: "已转交相关部门" is not an answer,
# "已转市公安局" is (it names the unit now handling the request).
_VAGUE = re.compile(
    r"[^。！!，,；;]{0,12}(转|交|移交|转交|交办)(给|至|到)?[区县市镇乡]?(有关|相关)(部门|单位)"
    r"[^。！!，,；;]{0,12}[。！!，,；;]?|"
    r"(有关|相关)(部门|单位)已(经)?(答复|回复)[^。！!]{0,10}|"
    r"(如有|有关|处理|调查处理|核处)[^。！!，,]{0,12}(及时|尽快)(反馈|回复|告知)[^。！!，,]{0,8}|"
    r"(敬请|请)(留意|关注|耐心等待)[^。！!，,]{0,10}|"
    r"待[^。！!，,]{0,16}(予以|给您|再)?(回复|答复)|(现)?正在[^。！!，,]{0,6}处理(中|当中)?|"
    r"(您|你)(所)?(反映|咨询|提出)的(问题|情况|事项)|(关于|针对)(您|你)[^。！!，,]{0,12}(问题|情况)|"
    r"此事|(我们|我局|我办)?高度重视|链接[：:]?|" + _DATE.pattern
)
_PUNCTUATION = re.compile(r"[\s\W_]+")
# What was done, decided or answered: an action taken or planned, a referral, or a direct
# answer to a question ("可以领取", "不能直接过户", "上班时间为").
_ACTION = re.compile(
    r"经(过)?[^，。]{0,12}(调查|核实|核查|查|了解|研究|勘察|勘查|查看)|已(经)?|将|正在|拟|计划|决定|"
    r"安排|责令|要求|督促|约谈|立案|处罚|整改|转|交办|移交|组织|召开|协调|落实|开展|进行了|予以|"
    r"可以|可(向|到|在|通过|直接|持|登录|拨打)|请(您|你)?|建议|应(当|该)?|需(要)?|须|不能|无法|"
    r"不(得|予|宜|可|属|符合|适用)|符合|属于|为[：:]|时间为|要等|暂(不|未|无|缓)|查无|没有|未|"
    r"目前|现已|一律|均|只能"
)
# On what basis: a rule (law, regulation, policy, plan, procedure, remit) or a finding (a check,
# a site visit, dated or counted facts).
_BASIS = re.compile(
    r"根据|依据|按照|依照|参照|规定|政策|条例|办法|《|法律|法规|标准|文件|通知|细则|规划|方案|"
    r"程序|职责|管辖|权限|条件|纳入|"
    # A remit ("属G市经济开发区管理", "不属于民政业务") or the office's own procedure ("向户籍所在地
    # 的县级残联申请", "携带身份证…办理") is the basis of a short answer to a question.
    r"属(于)?[^，。,]{0,12}(业务|管理|负责|范围)|"
    r"向[^，。,]{1,16}(申请|申领|报名|登记)|(携带|持)[^。]{1,30}(办理|申请)|"
    r"经[^，。]{0,12}(调查|核实|核查|查实|查看|勘察|勘查|检查|了解|走访|排查|审查|研究)|"
    r"据(查|了解|调查|核实)|查明|查无|属实|确实|不属实|现场|实地|取证|发现|因为?|由于|鉴于|目前|"
    r"(于|自|从|在|截至|截止)\s*(\d{4}年)?\d{1,2}月|\d{4}年(\d{1,2}月)?(\d{1,2}日)?(起|开始|以来|前)|"
    r"\d+(\.\d+)?\s*(个|人|户|米|公里|元|万|亩|平方|%|栋|台|次|辆|条|所|家|号线|路)"
)
# Whom to contact: a number (a phone with area code, a mobile, a hotline such as 12345), a
# window, an office or a unit the requester is told to go to, call or write to, a website.
_CONTACT = re.compile(
    r"电话|热线|致电|拨打|窗口|办事大厅|政务大厅|地址|网站|公众号|报警|"
    r"联系(电话|方式|人)|(与|和)[^，。]{1,20}联系|"
    r"(向|到|找|与|前往|来)[^，。；]{1,24}(反映|反馈|咨询|联系|了解|申请|办理|投诉|举报|沟通|报告)|"
    r"0\d{2,3}\s*[-—－]?\s*\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)12\d{3}(?!\d)|"
    r"(?<![\d.])\d{7,8}(?![\d.])|https?://"
)


@dataclass(frozen=True)
class Flag:
    code: str  # off_topic, too_short, no_action, no_basis, no_contact, late
    reason: str


def _answer_of(reply: str) -> str:
    """The answer without its courtesies."""
    return _COURTESY.sub(" ", reply)


def _substance(answer: str) -> str:
    """What the answer says beyond courtesies and vague forwarding, letters only."""
    return _PUNCTUATION.sub("", _VAGUE.sub(" ", answer))


def reply_review(
    *,
    title: str,
    text: str,
    reply: str,
    asked_at: datetime | None = None,
    replied_at: datetime | None = None,
    deadline: datetime | None = None,
) -> list[Flag]:
    """The flags for one answer, in order of importance; [] when nothing stands out."""
    answer = _answer_of(clean(reply))
    flags: list[Flag] = []
    substance = _substance(answer)
    if len(substance) < MIN_SUBSTANCE:
        flags.append(
            Flag(
                "too_short",
                _("The answer says almost nothing beyond greetings (%(count)d characters).")
                % {"count": len(substance)},
            )
        )
    off_topic = _off_topic(title, text, answer) if len(substance) >= MIN_TOPICAL else None
    if off_topic is not None:
        flags.append(off_topic)
    flags.extend(_missing_parts(answer))
    late = _late(asked_at, replied_at, deadline)
    if late is not None:
        flags.append(late)
    return flags


def _off_topic(title: str, text: str, answer: str) -> Flag | None:
    question = keyword_weights(title, text)
    if not question:
        return None
    main = list(question)[:MAIN_WORDS]
    if any(word in answer for word in main):
        return None
    overlap = cosine(hashed(question), hashed(keyword_weights("", answer)))
    if overlap >= MIN_OVERLAP:
        return None
    return Flag(
        "off_topic",
        _("The answer mentions none of the question's main points (%(words)s).")
        % {"words": "、".join(main)},
    )


def _missing_parts(answer: str) -> list[Flag]:
    flags = []
    if not _ACTION.search(answer):
        flags.append(Flag("no_action", _("The answer does not say what was done or decided.")))
    if not _BASIS.search(answer):
        flags.append(
            Flag(
                "no_basis",
                _("The answer gives no basis: no rule, policy or finding on site is named."),
            )
        )
    if not _CONTACT.search(answer):
        flags.append(
            Flag(
                "no_contact",
                _(
                    "The answer does not say whom to contact for more: an office phone or a "
                    "hotline such as 12345 (it stays in the published answer), a window or an "
                    "office to go to."
                ),
            )
        )
    return flags


def _late(
    asked_at: datetime | None, replied_at: datetime | None, deadline: datetime | None
) -> Flag | None:
    if asked_at is None or replied_at is None:
        return None
    limit = deadline or asked_at + timedelta(days=LATE_DAYS)
    if replied_at <= limit:
        return None
    # Whole days, counting a started day: 15 days and 3 hours is "16 days", not "15".
    days = math.ceil((replied_at - asked_at).total_seconds() / 86400)
    if deadline is not None:
        return Flag(
            "late",
            _("Answered after the deadline: %(days)d days after the request.") % {"days": days},
        )
    return Flag(
        "late",
        _("Answered %(days)d days after the request (more than %(limit)d).")
        % {"days": days, "limit": LATE_DAYS},
    )


def case_reply_review(case: Case, *, draft: str | None = None) -> list[Flag]:
    """The flags for a case's answer — its reply, or a `draft` not yet sent (then lateness is
    judged as if it were sent now). The caller has read `case` through `visible_to`."""
    reply = case.reply_text if draft is None else draft
    replied_at = case.replied_at if draft is None else timezone.now()
    return reply_review(
        title=case.title,
        text=case.text,
        reply=reply,
        asked_at=case.received_at,
        replied_at=replied_at,
        deadline=case.reply_deadline,
    )
