"""`sanfu routing train|evaluate|crossval|hotspots|review|review-check|index|replay`: JSON on
stdout, progress on stderr, so scripts can read the figures and people can watch the run.

`review-check` scores the reply review against the hand-labelled replies shipped in
routing/data: the sample the rules were tuned on (its output says so) and a held-out one."""

from __future__ import annotations

import csv
import gzip
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sanfu.cases.models import Case, CaseState, Category
from sanfu.lib.errors import ApplicationError
from sanfu.routing import storage
from sanfu.routing.category_check import PACKAGED_CHECK, category_check, labelled_read
from sanfu.routing.datasets import (
    FIELD_LIMIT,
    ROUTING_LABELS,
    examples_read,
    public_messages_read,
)
from sanfu.routing.evaluation import crossval, evaluate
from sanfu.routing.hotspots import HEAT_FORMULA, board_hotspots, hotspot_json
from sanfu.routing.models import CaseSignature
from sanfu.routing.review import reply_review
from sanfu.routing.review_check import (
    HELD_OUT_FILE,
    HELD_OUT_SAMPLE,
    LABELS_FILE,
    TUNED_ON_SAMPLE,
    labelled_replies_read,
    review_check,
)
from sanfu.routing.selectors import replay_pending
from sanfu.routing.services import cases_index, history_replay
from sanfu.routing.suggest import forget_router, load_router
from sanfu.routing.training import Example, router_fit, training_set


class Command(BaseCommand):
    help = "Train and measure the category router; find hot spots; review replies."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        train = actions.add_parser("train", help="train the category model and save it")
        source = train.add_mutually_exclusive_group(required=True)
        source.add_argument("--data", type=Path, help="CSV with columns id,title,text,label")
        source.add_argument(
            "--from-cases",
            action="store_true",
            help="train on the system's closed cases with their final category",
        )
        train.add_argument(
            "--out", type=Path, help=f"model file (default: {storage.default_model_path()})"
        )
        evaluate_ = actions.add_parser("evaluate", help="train on one CSV, score another")
        evaluate_.add_argument("--train", type=Path, required=True)
        evaluate_.add_argument("--test", type=Path, required=True)
        cross = actions.add_parser("crossval", help="k-fold cross-validation on one CSV")
        cross.add_argument("--data", type=Path, required=True)
        cross.add_argument("--folds", type=int, default=5)
        hot = actions.add_parser("hotspots", help="hot spots in a CSV of board messages")
        hot.add_argument("--data", type=Path, required=True)
        hot.add_argument("--top", type=int, default=10)
        review = actions.add_parser("review", help="flag weak answers in a CSV of replies")
        review.add_argument("--data", type=Path, required=True)
        review.add_argument("--show", type=int, default=20, help="flagged answers to list")
        check = actions.add_parser(
            "review-check",
            help="each review flag's precision and recall against hand-labelled replies",
        )
        check.add_argument(
            "--data",
            type=Path,
            help="labelled replies, .csv or .csv.gz (default: the two samples shipped with the "
            "code, the one the rules were tuned on and the held-out one)",
        )
        category = actions.add_parser(
            "category-check",
            help="top-1 and top-3 accuracy of the suggested matter on hand-labelled requests",
        )
        category.add_argument(
            "--data", type=Path, default=PACKAGED_CHECK, help="CSV (or .csv.gz): text,category"
        )
        category.add_argument("--misses", type=int, default=0, help="misses to list")
        category.add_argument(
            "--no-model", action="store_true", help="leave the trained model out (words only)"
        )
        actions.add_parser("index", help="add cases missing from the similar-cases index")
        actions.add_parser(
            "replay",
            help="record today's suggestions and the final choices for closed cases routed "
            "before routing recorded them (seeded or imported history)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            result = getattr(self, "_" + action.replace("-", "_"))(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))

    def progress(self, message: str) -> None:
        self.stderr.write(f"routing: {message}")

    # --- the model -----------------------------------------------------------------------

    def _train(self, options: dict[str, Any]) -> dict[str, Any]:
        started, started_cpu = time.perf_counter(), time.process_time()
        if options["from_cases"]:
            examples, skipped = _examples_from_cases(), 0
            if len(examples) < 20:
                raise CommandError(_("Fewer than 20 closed cases with a category to learn from."))
        else:
            read = _read_examples(options["data"])
            examples, skipped = read.examples, read.skipped
        self.progress(f"segmenting {len(examples)} messages")
        data = training_set(examples)
        self.progress("fitting")
        try:
            router = router_fit(data)
            path = router.save(options["out"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except storage.UntrustedModel as exc:
            raise CommandError(str(exc)) from exc
        forget_router()
        counts = Counter(e.label for e in examples)
        return {
            "model": str(path),
            "version": router.version,
            "n_train": len(examples),
            "skipped": skipped,
            "labels": dict(sorted(counts.items())),
            # Reading, segmenting, fitting, calibrating and writing; CPU time is the figure to
            # compare on a machine shared with other work.
            "train_seconds": round(time.perf_counter() - started, 2),
            "train_cpu_seconds": round(time.process_time() - started_cpu, 2),
        }

    def _evaluate(self, options: dict[str, Any]) -> dict[str, Any]:
        train = _read_examples(options["train"]).examples
        test = _read_examples(options["test"]).examples
        self.progress(f"segmenting {len(train)} + {len(test)} messages")
        return evaluate(training_set(train), training_set(test), progress=self.progress)

    def _crossval(self, options: dict[str, Any]) -> dict[str, Any]:
        folds = options["folds"]
        if folds < 2:
            raise CommandError(_("--folds must be at least 2."))
        examples = _read_examples(options["data"]).examples
        self.progress(f"segmenting {len(examples)} messages")
        return crossval(training_set(examples), folds, progress=self.progress)

    def _category_check(self, options: dict[str, Any]) -> dict[str, Any]:
        rows = labelled_read(options["data"])
        router = None if options["no_model"] else load_router()
        self.progress(f"suggesting for {len(rows)} requests")
        return category_check(rows, router=router, misses=max(0, options["misses"]))

    # --- hot spots, replies, index -------------------------------------------------------

    def _hotspots(self, options: dict[str, Any]) -> dict[str, Any]:
        with _open(options["data"]) as lines:
            messages = public_messages_read(lines)
        self.progress(f"clustering {len(messages)} messages")
        found = board_hotspots(messages, top=max(1, options["top"]))
        return {
            "heat_formula": HEAT_FORMULA,
            "messages": len(messages),
            "hotspots": [hotspot_json(h) for h in found],
        }

    def _review(self, options: dict[str, Any]) -> dict[str, Any]:
        from sanfu.routing.datasets import parse_time

        with _open(options["data"]) as lines:
            rows = list(_replies(lines))
        counts: Counter[str] = Counter()
        shown: list[dict[str, Any]] = []
        for line, row in rows:
            flags = reply_review(
                title=row["title"],
                text=row["text"],
                reply=row["reply"],
                asked_at=parse_time(row.get("time", "")),
                replied_at=parse_time(row.get("reply_time", "")),
            )
            counts.update(flag.code for flag in flags)
            counts["none" if not flags else "flagged"] += 1
            if flags and len(shown) < options["show"]:
                shown.append(
                    {
                        "id": row.get("id", str(line)),
                        "title": row["title"][:80],
                        "flags": {f.code: f.reason for f in flags},
                    }
                )
        return {"replies": len(rows), "flags": dict(sorted(counts.items())), "examples": shown}

    def _review_check(self, options: dict[str, Any]) -> dict[str, Any]:
        path: Path | None = options["data"]
        if path is not None:
            return self._review_scores(path, note="")
        result = self._review_scores(LABELS_FILE, note=TUNED_ON_SAMPLE)
        result["held_out"] = self._review_scores(HELD_OUT_FILE, note=HELD_OUT_SAMPLE)
        return result

    def _review_scores(self, path: Path, *, note: str) -> dict[str, Any]:
        with _open(path) as lines:
            replies = labelled_replies_read(lines)
        self.progress(f"reviewing {len(replies)} labelled replies in {path.name}")
        scores = review_check(replies)
        return {
            "data": str(path),
            "replies": len(replies),
            "note": note,
            "flags": {
                flag: {
                    "labelled": s.labelled,
                    "deserved": s.positives,
                    "flagged": s.flagged,
                    "flagged_and_deserved": s.agreed,
                    "precision": _ratio(s.precision),
                    "recall": _ratio(s.recall),
                }
                for flag, s in scores.items()
            },
        }

    def _index(self, options: dict[str, Any]) -> dict[str, Any]:
        missing = (
            Case.objects.exclude(pk__in=CaseSignature.objects.values("case_id"))
            .select_related("location_unit")
            .order_by("pk")
        )
        total = missing.count()
        self.progress(f"indexing {total} cases")
        started = time.perf_counter()
        done = cases_index(
            cases=missing.iterator(chunk_size=2000),
            progress=lambda n: self.progress(f"{n}/{total}"),
        )
        return {"indexed": done, "seconds": round(time.perf_counter() - started, 1)}

    def _replay(self, options: dict[str, Any]) -> dict[str, Any]:
        router = load_router()
        total = replay_pending().count()
        self.progress(f"replaying {total} closed cases")
        started = time.perf_counter()
        done = history_replay(router=router, progress=lambda n: self.progress(f"{n}/{total}"))
        return {
            "cases": done.cases,
            "suggestions": done.suggestions,
            "model_version": router.version if router is not None else None,
            "seconds": round(time.perf_counter() - started, 1),
        }


@contextmanager
def _open(path: Path) -> Iterator[TextIO]:
    try:
        # utf-8-sig: a CSV saved from Excel starts with a byte-order mark. A .gz file is read
        # through gzip (the labelled messages shipped with the code are kept compressed).
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as lines:
                yield lines
        else:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                yield lines
    except gzip.BadGzipFile as exc:
        raise CommandError(_("%(file)s is not a gzip file.") % {"file": path}) from exc
    except OSError as exc:
        raise CommandError(
            _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": exc.strerror}
        ) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": path}) from exc


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def known_labels() -> set[str]:
    """The router's labels: the first-level categories of the catalogue and of the board."""
    names = Category.objects.filter(level=1, is_active=True).values_list("name", flat=True)
    return set(ROUTING_LABELS) | set(names)


def _read_examples(path: Path) -> Any:
    with _open(path) as lines:
        try:
            return examples_read(lines, labels=known_labels())
        except ApplicationError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc


def _replies(lines: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
    previous = csv.field_size_limit(min(FIELD_LIMIT, sys.maxsize))
    try:
        reader = csv.DictReader(lines)
        missing = [c for c in ("title", "text", "reply") if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                _("line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        for record in reader:
            yield reader.line_num, {k: (v or "") for k, v in record.items() if k is not None}
    finally:
        csv.field_size_limit(previous)


def _examples_from_cases() -> list[Example]:
    """Closed cases with their final category, labelled by its first-level name."""
    categories = {c.pk: c for c in Category.objects.all()}

    def field_of(pk: int) -> str:
        node = categories[pk]
        while node.parent_id is not None and node.parent_id in categories:
            node = categories[node.parent_id]
        return node.name

    rows = Case.objects.filter(state=CaseState.CLOSED, category__isnull=False).values_list(
        "title", "text", "category_id"
    )
    return [Example(title=t, text=x, label=field_of(c)) for t, x, c in rows.iterator()]
