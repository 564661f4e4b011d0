"""Which messages tell which matter, so a seeded case's category, units and reply fit its words.

Drawn independently, a water-supply complaint was answered by 人社局 under 职业培训 (issue 19):
the demo then tells no true story and the routing accuracy page measures the model against
chance. Each message is given the matter its words name most strongly (the portal's suggestion
without the model, `routing.categories.leaves_fitted`); a case draws its matter as before, then
a message of that matter. Only matters some answered message tells are drawn, so every reply
fits too.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sanfu.ops.synthetic.messages import Message, Messages
from sanfu.ops.synthetic.world import Matter
from sanfu.routing.categories import leaves_fitted
from sanfu.routing.model import Router
from sanfu.routing.suggest import load_router

# How strongly a message must name its matter: a two-character word of it in the title (2 × 2),
# or its own name. A message naming nothing that strongly tells no matter and is left out.
LEAST_EVIDENCE = 4.0
# Unanswered messages fitted, at most: each costs a few milliseconds and open cases are a small
# share of the history, so a sample tells enough matters.
OTHER_FITTED = 2500


@dataclass
class Fitted:
    """Category id → the messages that tell it (answered ones, and the others)."""

    replied: dict[int, list[Message]] = field(default_factory=dict)
    other: dict[int, list[Message]] = field(default_factory=dict)

    def matters(self, matters: Sequence[Matter]) -> list[Matter]:
        """The matters an answered message tells (all of them if none does)."""
        told = [m for m in matters if m.category_id in self.replied]
        return told or list(matters)


def messages_fit(messages: Messages, matters: Sequence[Matter], rng: random.Random) -> Fitted:
    known = {m.category_id for m in matters}
    # The trained router (`sanfu routing train`) breaks ties between fields, as for the portal.
    router = load_router()
    other = messages.other
    if len(other) > OTHER_FITTED:
        other = rng.sample(other, OTHER_FITTED)
    return Fitted(
        replied=_by_matter(messages.replied, known, router),
        other=_by_matter(other, known, router),
    )


def _by_matter(
    pool: Sequence[Message], known: set[int], router: Router | None
) -> dict[int, list[Message]]:
    found: dict[int, list[Message]] = {}
    told = leaves_fitted(((m.title, m.text) for m in pool), router=router, least=LEAST_EVIDENCE)
    for message, category in zip(pool, told, strict=True):
        if category is not None and category.pk in known:
            found.setdefault(category.pk, []).append(message)
    return found
