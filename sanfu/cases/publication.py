"""公示: the text of a case as the public will read it — one rule for the publisher's draft, the
service that publishes, the staff API and the demo's history.

The draft masks what the law says must go (ID numbers, mobiles, addresses' door numbers, the
requester's name) and also the other personal names the name finder sees in the body (a
neighbour, an official named by the requester), so that the publisher reviews them: the
publisher may edit the draft, and the requester's name and the numbers are masked again in
whatever is published.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanfu.cases.models import TITLE_MAX, Case
from sanfu.lib.anonymise import anonymise
from sanfu.lib.names import mask_names, personal_names


@dataclass(frozen=True)
class PublicTexts:
    title: str
    text: str
    reply: str
    # Personal names found in the texts besides the requester's, masked in the draft.
    names: tuple[str, ...] = ()


def public_texts_draft(*, title: str, text: str, reply: str, requester_name: str) -> PublicTexts:
    """What the publisher is shown first: everything personal masked, found names listed."""
    requester = _requester(requester_name)
    found = [
        name
        for name in personal_names("\n".join((title, text, reply)))
        if name not in requester and not any(name in r for r in requester)
    ]
    return PublicTexts(
        title=mask_names(anonymise(title, names=requester), found)[:TITLE_MAX],
        text=mask_names(anonymise(text, names=requester), found),
        reply=mask_names(anonymise(reply, names=requester, keep_office_phones=True), found),
        names=tuple(found),
    )


def public_texts_final(*, title: str, text: str, reply: str, requester_name: str) -> PublicTexts:
    """The publisher's edited texts with the rules no edit may undo applied again: numbers,
    e-mail addresses and the requester's name. Names the publisher unmasked stay as written."""
    requester = _requester(requester_name)
    return PublicTexts(
        title=anonymise(title, names=requester)[:TITLE_MAX],
        text=anonymise(text, names=requester),
        reply=anonymise(reply, names=requester, keep_office_phones=True),
    )


def case_public_draft(case: Case) -> PublicTexts:
    """The draft for a case's request and its answer."""
    return public_texts_draft(
        title=case.title,
        text=case.text,
        reply=case.reply_text,
        requester_name=case.requester_name,
    )


def _requester(name: str) -> list[str]:
    name = name.strip()
    return [name] if len(name) >= 2 else []
