"""The short texts staff and requesters write along the way, beside the real messages."""

from __future__ import annotations

from sanfu.cases.models import Rating, ReturnReason
from sanfu.cases.publication import public_texts_draft

REJECTION_REASONS = (
    "该事项已进入司法程序，请通过法律途径解决。",
    "诉求内容不明确，无法核实，请补充具体地点和情况后重新反映。",
    "反映事项不在本县行政区域内，请向所在地政府反映。",
    "该诉求为政策咨询，已电话答复，不作为诉求受理。",
    "反映内容涉及他人隐私且无法核实，不予受理。",
)
RETURN_NOTES = {
    ReturnReason.WRONG_LOCALITY.value: "经核实，反映地点不在本辖区，请重新分派。",
    ReturnReason.NOT_OUR_REMIT.value: "该事项不属于本单位职责范围，请重新分派。",
    ReturnReason.OVERLAPPING.value: "该事项涉及多个部门职责交叉，请协调明确主办单位。",
}
CO_OPINIONS = (
    "已配合主办单位开展现场核查，情况属实。",
    "本单位已按职责提供相关政策依据，请主办单位一并答复。",
    "已派员协助处理，现场问题已整改到位。",
)
# The answer of a round the requester then rated unsatisfied; the last round gets the real one.
INTERIM_REPLIES = (
    "已安排工作人员现场核实，正在协调相关单位处理，处理结果将及时反馈。",
    "经初步核查，已责成责任单位限期整改，请耐心等待。",
)
URGE_NOTES = ("请加快办理进度，按时答复。", "")
MERGE_NOTE = "与已受理诉求反映同一问题，并案办理。"
COMMENTS = {
    Rating.SATISFIED.value: ("", "", "", "谢谢，处理很及时。", "问题已解决，满意。"),
    Rating.BASICALLY.value: ("", "基本解决，希望加强后续管理。", "结果可以接受，但办理有点慢。"),
    Rating.UNSATISFIED.value: (
        "问题没有得到实际解决。",
        "答复敷衍，没有到现场核实。",
        "处理太慢，至今没有改善。",
    ),
}


class PublicTexts:
    """What a publisher who accepts the draft publishes (cases.publication): title, text and
    reply anonymised, the requester's and other people's names masked, office phones kept.

    The same words recur (a message told in the same town, the requester's name absent), so
    the last few results are kept."""

    KEPT = 4096

    def __init__(self) -> None:
        self._done: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}

    def texts(self, title: str, text: str, reply: str, name: str) -> tuple[str, str, str]:
        name = name.strip()
        if not any(name and name in part for part in (title, text, reply)):
            name = ""
        key = (title, text, reply, name)
        done = self._done.get(key)
        if done is None:
            draft = public_texts_draft(title=title, text=text, reply=reply, requester_name=name)
            done = (draft.title, draft.text, draft.reply)
            if len(self._done) >= self.KEPT:
                self._done.clear()
            self._done[key] = done
        return done
