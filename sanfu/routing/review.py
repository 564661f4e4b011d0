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

# Fewer characters than this, once greetings and thanks are removed, is not an answer.
MIN_SUBSTANCE = 40
# The answer's keywords must overlap the question's at least this much (cosine), unless it
# repeats one of the question's main words.
MIN_OVERLAP = 0.08
MAIN_WORDS = 5
# Without a deadline from the case, an answer after this many days is late (the board's
# own rule was 15 working days; calendar days are a safe reading when no calendar is known).
LATE_DAYS = 15

_GREETING = re.compile(
    r"(网友|市民|来信人)?[“\"]?[\w\-]{0,20}[”\"]?(您好|你好)[!！,，。：:]*|"
    r"(感谢|谢谢)(您|你)?(对|的)[^。！!]{0,30}[。！!]?|来信(已)?收悉[。，,]?|"
    r"现(将|就)?[^。]{0,40}(答复|回复)如下[：:]?|\d{4}年\d{1,2}月\d{1,2}日"
)
_ACTION = re.compile(
    r"经(过)?(调查|核实|核查|查|了解|研究|现场|实地)|已(经)?.{0,6}(处理|整改|解决|完成|安排|落实|修复|"
    r"清理|督促|责令|约谈|立案|受理|转交|联系|查处|拆除|开展|发放|办理|恢复|到位)|将(于|在|会|尽快|继续)|"
    r"决定|计划|拟于|安排|责令|要求.{0,8}(整改|处理|停止)|正在|目前.{0,10}(已|正)|进行了|予以|"
    r"已(将|对|于|向|按|由|为|把)|加强|立即|督促|组织|召开|协调|落实"
)
_BASIS = re.compile(
    r"根据|依据|按照|依照|参照|规定|政策|条例|办法|《|法律|法规|标准|文件|通知|细则|规划|"
    r"经(调查|核实|核查|现场|查)|实地|据查|查实|调查|核实|取证|现场"
)
_CONTACT = re.compile(
    r"电话|联系|咨询|热线|窗口|办公室|地址|来访|前往|到.{0,10}(办理|咨询)|"
    r"\d{3,4}-?\d{7,8}|1[3-9]\d{9}|\d{5}"
)


@dataclass(frozen=True)
class Flag:
    code: str  # off_topic, too_short, no_action, no_basis, no_contact, late
    reason: str


def _substance(reply: str) -> str:
    return _GREETING.sub("", reply).strip(" ，。,.!！")


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
    answer = clean(reply)
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
    off_topic = _off_topic(title, text, answer) if len(substance) >= MIN_SUBSTANCE else None
    if off_topic is not None:
        flags.append(off_topic)
    flags.extend(_missing_parts(substance))
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


def _missing_parts(substance: str) -> list[Flag]:
    flags = []
    if not _ACTION.search(substance):
        flags.append(Flag("no_action", _("The answer does not say what was done or decided.")))
    if not _BASIS.search(substance):
        flags.append(
            Flag(
                "no_basis",
                _("The answer gives no basis: no rule, policy or finding on site is named."),
            )
        )
    if not _CONTACT.search(substance):
        flags.append(Flag("no_contact", _("The answer does not say whom to contact for more.")))
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
