"""Hot spots (热点): many people reporting the same problem in the same place within a window.

Clustering, in time order: each message joins the existing cluster whose keyword centroid it
is most similar to (cosine ≥ SIMILARITY), provided the cluster is in the same place and its
last message is at most GAP_DAYS older; otherwise it starts a new cluster. Comparing with the
centroid rather than with any one member keeps a chain of loosely related messages from
growing into one cluster. Candidate clusters are found through their keywords, so the cost
grows with the number of messages, not its square.

"Same place": for cases in the system, the same village or community (the case's place, a
grid counted as its village). For the public board's messages, which have no structured
place, the district named in the text (A1区…A9县) must not differ, and the place names in the
keywords do the rest (an estate's or road's name is rare, so it weighs heavily in the cosine).

Heat, documented for leaders, in points:
    heat = people + 0.25 × repeat messages + 2 × ln(1 + public votes) + 0.5 × busiest week
  - people: distinct requesters (one person writing ten times is one person, plus a quarter
    point for each repeat, so insistence counts a little but cannot fake a crowd);
  - public votes: likes and "against" votes on the board (both show people care); the log
    keeps one viral post from outweighing many residents;
  - busiest week: most messages within any 7 days, so a problem that is growing fast ranks
    above one that trickled in over months.
Only clusters with at least MIN_MESSAGES messages are hot spots.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanfu.routing.datasets import PublicMessage as BoardMessage

SIMILARITY = 0.35
# Without the single largest shared word, the similarity must keep this share of SIMILARITY.
SUPPORT_SHARE = 0.6
GAP_DAYS = 60
MIN_MESSAGES = 2
MIN_PEOPLE = 2
# Keywords in more than this share of all messages do not propose candidate clusters: they
# would make every cluster a candidate for every message.
COMMON_SHARE = 0.03
# ... but never fewer than this many, so a small set (or a hot spot's own words) still works.
COMMON_FLOOR = 50
HEAT_FORMULA = "people + 0.25 × repeats + 2 × ln(1 + votes) + 0.5 × busiest 7 days"

_DISTRICT = re.compile(r"[A-Z]\d{1,2}[区县市]")


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    at: datetime
    terms: dict[Any, float]
    place: str = ""  # a strict place key: only items with the same key cluster ("" = any)
    districts: frozenset[str] = frozenset()  # loose: items naming different ones never do
    phrases: frozenset[str] = frozenset()  # place names in the text: see _places_agree
    person: str = ""
    likes: int = 0
    against: int = 0


@dataclass
class Cluster:
    items: list[Item] = field(default_factory=list)
    centroid: dict[Any, float] = field(default_factory=dict)
    norm: float = 0.0

    def add(self, item: Item) -> None:
        self.items.append(item)
        for term, weight in item.terms.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self.norm = math.sqrt(sum(v * v for v in self.centroid.values()))

    def similarity(self, terms: dict[Any, float]) -> tuple[float, float]:
        """The cosine with the centroid, and the cosine without its largest single term.

        The second must be high enough too: two messages that share only one word (usually
        the place: "泉塘") are about different problems there, however rare that word is.
        """
        if not self.norm:
            return 0.0, 0.0
        parts = [w * self.centroid.get(t, 0.0) for t, w in terms.items()]
        total = sum(parts) / self.norm
        return total, total - max(parts, default=0.0) / self.norm

    @property
    def last(self) -> datetime:
        return max(item.at for item in self.items[-3:])

    @property
    def districts(self) -> frozenset[str]:
        """The district most of the cluster names (not every one a member happens to name)."""
        counts = Counter(d for item in self.items for d in item.districts)
        if not counts:
            return frozenset()
        top = max(counts.values())
        return frozenset(d for d, n in counts.items() if n == top)

    @property
    def phrases(self) -> frozenset[str]:
        """The place names at least a third of the members share (all of them while small)."""
        counts = Counter(p for item in self.items for p in item.phrases)
        floor = max(1, len(self.items) // 3)
        return frozenset(p for p, n in counts.items() if n >= floor)


def districts_in(text: str) -> frozenset[str]:
    return frozenset(_DISTRICT.findall(text))


@dataclass(frozen=True)
class Hotspot:
    title: str
    place: str
    start: datetime
    end: datetime
    heat: float
    messages: int
    people: int
    votes: int
    busiest_week: int
    keys: list[str]
    keywords: list[str]


def _compatible(cluster: Cluster, item: Item, gap: timedelta) -> bool:
    if item.at - cluster.last > gap:
        return False
    if cluster.items[0].place != item.place:
        return False
    theirs = cluster.districts
    if theirs and item.districts and not theirs & item.districts:
        return False
    return _places_agree(cluster.phrases, item.phrases)


def _places_agree(ours: frozenset[str], theirs: frozenset[str]) -> bool:
    """Two sets of place names agree when either is empty or one name contains another
    ("伊景园" and "伊景园滨河苑"): a message that names a different estate is another place."""
    if not ours or not theirs:
        return True
    return any(a in b or b in a for a in ours for b in theirs)


def cluster_items(
    items: Sequence[Item], *, similarity: float = SIMILARITY, gap_days: int = GAP_DAYS
) -> list[Cluster]:
    ordered = sorted(items, key=lambda i: (i.at, i.key))
    document_frequency = Counter(t for item in ordered for t in item.terms)
    common = max(COMMON_FLOOR, int(COMMON_SHARE * len(ordered)))
    gap = timedelta(days=gap_days)
    clusters: list[Cluster] = []
    by_term: dict[Any, set[int]] = defaultdict(set)
    for item in ordered:
        rare = [t for t in item.terms if document_frequency[t] <= common]
        candidates = set().union(*(by_term[t] for t in rare)) if rare else set()
        best, best_score = None, similarity
        for number in sorted(candidates):
            cluster = clusters[number]
            if not _compatible(cluster, item, gap):
                continue
            score, support = cluster.similarity(item.terms)
            if score >= best_score and support >= similarity * SUPPORT_SHARE:
                best, best_score = number, score
        if best is None:
            clusters.append(Cluster())
            best = len(clusters) - 1
        clusters[best].add(item)
        for term in rare:
            by_term[term].add(best)
    return _merge_similar(clusters, similarity, gap)


def _merge_similar(clusters: list[Cluster], similarity: float, gap: timedelta) -> list[Cluster]:
    """Join clusters that the one pass split (a message that came before the words the
    cluster later shared): largest first, each absorbing any later cluster whose centroid is
    similar enough, in the same place and within the gap of its span."""
    order = sorted(range(len(clusters)), key=lambda i: -len(clusters[i].items))
    merged: list[Cluster] = []
    absorbed: set[int] = set()
    for i in order:
        if i in absorbed or len(clusters[i].items) < 2:
            continue
        cluster = clusters[i]
        for j in order:
            other = clusters[j]
            if j == i or j in absorbed or len(other.items) < 2:
                continue
            if not _spans_compatible(cluster, other, gap):
                continue
            unit = {t: w / other.norm for t, w in other.centroid.items()}
            score, support = cluster.similarity(unit)
            if score >= similarity and support >= similarity * SUPPORT_SHARE:
                for item in other.items:
                    cluster.add(item)
                absorbed.add(j)
        cluster.items.sort(key=lambda item: (item.at, item.key))
        merged.append(cluster)
        absorbed.add(i)
    merged.extend(clusters[i] for i in order if i not in absorbed)
    return merged


def _spans_compatible(a: Cluster, b: Cluster, gap: timedelta) -> bool:
    if a.items[0].place != b.items[0].place:
        return False
    if a.districts and b.districts and not a.districts & b.districts:
        return False
    if not _places_agree(a.phrases, b.phrases):
        return False
    start_a, end_a = min(i.at for i in a.items), max(i.at for i in a.items)
    start_b, end_b = min(i.at for i in b.items), max(i.at for i in b.items)
    return start_b - end_a <= gap and start_a - end_b <= gap


def _busiest_week(times: list[datetime]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > timedelta(days=7):
            start += 1
        best = max(best, end - start + 1)
    return best


def heat_of(messages: int, people: int, votes: int, busiest_week: int) -> float:
    repeats = messages - people
    return round(people + 0.25 * repeats + 2 * math.log1p(votes) + 0.5 * busiest_week, 2)


def describe(cluster: Cluster, place: str, words: dict[Any, str] | None = None) -> Hotspot:
    items = cluster.items
    people = len({item.person or f"#{item.key}" for item in items})
    votes = sum(item.likes + item.against for item in items)
    busiest = _busiest_week([item.at for item in items])
    # The representative title: the message closest to what the cluster is about.
    representative = max(items, key=lambda i: (cluster.similarity(i.terms)[0], -i.at.timestamp()))
    top_terms = sorted(cluster.centroid.items(), key=lambda kv: -kv[1])[:6]
    return Hotspot(
        title=representative.title,
        place=place,
        start=items[0].at,
        end=items[-1].at,
        heat=heat_of(len(items), people, votes, busiest),
        messages=len(items),
        people=people,
        votes=votes,
        busiest_week=busiest,
        keys=[item.key for item in items],
        keywords=[words[t] for t, _w in top_terms if t in words] if words else [],
    )


def rank_hotspots(hotspots: list[Hotspot], top: int) -> list[Hotspot]:
    kept = [h for h in hotspots if h.messages >= MIN_MESSAGES and h.people >= MIN_PEOPLE]
    kept.sort(key=lambda h: (-h.heat, -h.messages, h.start))
    return kept[:top]


# --- the public board's messages (the `sanfu routing hotspots --data CSV` command) ---------

# A place named in a title: a few characters and an ending such as estate, road or village.
_PLACE_PHRASE = re.compile(
    r"[^\W\d_a-zA-Z的了在是和与及对把被为但而我你他们这那有个到将从向于给让也都就要请]{2,8}?"
    r"(?:小区|社区|新城|花园|家园|公寓|大厦|广场|滨河苑|苑|园|城|湾|村|镇|街道|大道|路|学院|学校"
    r"|大学|中学|小学|幼儿园|医院|市场|公园)"
)
# What comes before a place in a title and is not part of its name.
_ADMIN_PREFIX = re.compile(
    r"^(?:[省市区县]|西地省|投诉|反映|咨询|举报|建议|请求|关于|希望|要求|请问)+"
)


# Words that end like a road but are not one.
_NOT_PLACES = (
    "线路",
    "跑路",
    "道路",
    "思路",
    "出路",
    "走路",
    "马路",
    "门路",
    "网路",
    "电路",
    "套路",
)


def place_phrases(text: str) -> list[str]:
    """Place names in text; adjacent ones are joined ("伊景园" + "滨河苑")."""
    found: list[str] = []
    last_end = -1
    for match in _PLACE_PHRASE.finditer(_DISTRICT.sub(" ", text)):
        phrase = match.group()
        if phrase.endswith(_NOT_PLACES):
            last_end = -1
            continue
        if match.start() == last_end and found:
            found[-1] += phrase
        else:
            found.append(phrase)
        last_end = match.end()
    return [p for p in (_ADMIN_PREFIX.sub("", p) for p in found) if len(p) >= 3]


def board_items(messages: Sequence[BoardMessage]) -> tuple[list[Item], dict[str, list[str]]]:
    """Items for clustering, and each item's place phrases (to name a cluster's place)."""
    from sanfu.routing.keywords import keyword_weights

    items, places = [], {}
    for message in messages:
        weights = keyword_weights(message.title, message.text, limit=20)
        # The title twice: where it names a place, that is the place the writer means.
        head = f"{message.title}。{message.title}。{message.text[:200]}"
        items.append(
            Item(
                key=message.id,
                title=" ".join(message.title.split())[:200],
                at=message.at,
                terms=dict(weights),
                districts=districts_in(f"{message.title} {message.text[:600]}"),
                phrases=frozenset(place_phrases(head)),
                person=message.user,
                likes=message.likes,
                against=message.against,
            )
        )
        places[message.id] = place_phrases(head)
    return items, places


def board_place(cluster: Cluster, places: dict[str, list[str]]) -> str:
    """The district most named, and the place phrase most of the cluster's messages share."""
    districts = Counter(d for item in cluster.items for d in item.districts)
    phrases = Counter(p for item in cluster.items for p in places.get(item.key, []))
    parts = [districts.most_common(1)[0][0]] if districts else []
    if phrases:
        best = max(phrases.items(), key=lambda kv: (kv[1], len(kv[0])))
        parts.append(best[0])
    return " ".join(parts)


def board_hotspots(
    messages: Sequence[BoardMessage], *, top: int = 10, similarity: float = SIMILARITY
) -> list[Hotspot]:
    items, places = board_items(messages)
    clusters = [c for c in cluster_items(items, similarity=similarity) if len(c.items) > 1]
    words: dict[Any, str] = {t: str(t) for c in clusters for t in c.centroid}
    return rank_hotspots([describe(c, board_place(c, places), words) for c in clusters], top)


def hotspot_json(hotspot: Hotspot, *, with_keys: bool = True) -> dict[str, object]:
    result: dict[str, object] = {
        "title": hotspot.title,
        "place": hotspot.place,
        "start": hotspot.start.isoformat(sep=" "),
        "end": hotspot.end.isoformat(sep=" "),
        "heat": hotspot.heat,
        "messages": hotspot.messages,
        "people": hotspot.people,
        "votes": hotspot.votes,
        "busiest_week": hotspot.busiest_week,
        "keywords": hotspot.keywords,
    }
    if with_keys:
        result["ids"] = hotspot.keys
    return result
