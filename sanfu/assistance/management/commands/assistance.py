"""`sanfu assistance SUBCOMMAND`: JSON on stdout, progress on stderr.

One subparser per subcommand; each has an ``_add_<name>`` that declares its arguments and a
``_<name>`` that runs it and returns the JSON-able result.

- ``match --input CSV --output CSV [--model PATH] [--save-model PATH] [--backend B]``
- ``bench --persons N [--seed S] [--backend B]``
- ``import``, ``mapping``, ``link``, ``findings``, ``work``, ``import-bench``: the registry's own
  (see sanfu.assistance.commands)
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

BACKENDS = ("duckdb", "spark")
# The registry's subcommands, implemented in sanfu.assistance.commands.
REGISTRY_SUBCOMMANDS = {
    "import": "import one body's Excel or CSV file of aid records or facts",
    "mapping": "save a body's column mapping",
    "link": "cluster every record into persons again (--new: only attach new records)",
    "findings": "find duplicate, excessive and missed aid and store them for review",
    "work": "import uploaded files waiting in the background",
    "import-bench": "time the import of N generated rows",
}
_SWEEP = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)


class Command(BaseCommand):
    help = "Social assistance: match persons across the sources' records; benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        self._add_match(
            subcommands.add_parser("match", help="cluster the records of a CSV into persons")
        )
        self._add_bench(
            subcommands.add_parser("bench", help="match a synthetic county; print figures")
        )
        from sanfu.assistance import commands

        for name, help_text in REGISTRY_SUBCOMMANDS.items():
            adder = getattr(commands, f"add_{name.replace('-', '_')}")
            adder(subcommands.add_parser(name, help=help_text))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        if name in REGISTRY_SUBCOMMANDS:
            from sanfu.assistance import commands

            runner = getattr(commands, f"run_{name.replace('-', '_')}")
            result = runner(options, self.progress)
        else:
            from sanfu.assistance.linkage.steps import no_gc

            with no_gc():
                result = getattr(self, f"_{name}")(options)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def progress(self, message: str) -> None:
        self.stderr.write(f"assistance: {message}")
        self.stderr.flush()

    # --- match ---------------------------------------------------------------------------

    def _add_match(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, help="records CSV (UTF-8 or GBK)")
        parser.add_argument(
            "--output",
            type=Path,
            required=True,
            help="record_id,person_id CSV; a person_id is the smallest record_id of the person's "
            "records, so it holds for this run only (the registry's `link` keeps person ids "
            "across runs)",
        )
        parser.add_argument(
            "--model",
            type=Path,
            help="a trained model file to use; without it a model is trained on the input "
            "(unsupervised), which suits data from an unknown source best",
        )
        parser.add_argument("--save-model", type=Path, help="write the model used to this file")
        parser.add_argument("--backend", choices=BACKENDS, default="duckdb")

    def _match(self, options: dict[str, Any]) -> dict[str, Any]:
        from sanfu.assistance.linkage import LinkageModel, ModelFormatError, link
        from sanfu.assistance.linkage.records_csv import (
            CsvRefused,
            read_records_csv,
            write_persons_csv,
        )
        from sanfu.assistance.linkage.steps import StepLog

        started = time.perf_counter()
        log = StepLog(progress=self.progress)
        model = None
        if options["model"] is not None:
            try:
                model = LinkageModel.load(options["model"])
            except ModelFormatError as exc:
                raise CommandError(str(exc)) from exc
        with log.step("read"):
            try:
                records = read_records_csv(options["input"])
            except CsvRefused as exc:
                for error in exc.errors[:50]:
                    self.stderr.write(str(error))
                if len(exc.errors) > 50:
                    self.stderr.write(_("… and %(n)d more") % {"n": len(exc.errors) - 50})
                raise CommandError(f"{options['input']}: {exc.message}") from exc
        if not records:
            raise CommandError(_("%(path)s: no records.") % {"path": options["input"]})
        origin = str(options["model"])
        if model is None:
            from sanfu.assistance.linkage.engine import train_or_default

            with log.step("train"):
                model, origin = train_or_default(records, backend=options["backend"])
            if origin == "default":
                self.progress(_("too few records to train on: using the packaged model"))
        linkage = link(
            records, model=model, backend=options["backend"], with_pairs=False, steps=log
        )
        with log.step("write"):
            write_persons_csv(options["output"], linkage.person_of, (r.record_id for r in records))
            if options["save_model"] is not None:
                model.save(options["save_model"])
        return {
            "records": len(records),
            "persons": len(set(linkage.person_of.values())),
            "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb": log.peak_rss_mb,
            "model": origin,
            "threshold": model.threshold,
            "steps": log.steps,
        }

    # --- bench ---------------------------------------------------------------------------

    def _incremental(
        self,
        records: list[Any],
        truth: dict[str, str],
        model: Any,
        options: dict[str, Any],
        log: Any,
    ) -> dict[str, Any]:
        """Link all but the last N records, then those N with ``link_new``; score the whole."""
        from sanfu.assistance.linkage import link, link_new
        from sanfu.assistance.linkage.evaluate import pairwise_scores

        count = min(options["incremental"], len(records) - 1)
        old, new = records[:-count], records[-count:]
        earlier = link(old, model=model, backend=options["backend"], with_pairs=False)
        with log.step("incremental"):
            linkage = link_new(
                new,
                [(r, earlier.person_of[r.record_id]) for r in old],
                model=model,
                backend=options["backend"],
            )
        person_of = dict(earlier.person_of)
        for record in new:
            existing = linkage.person_of[record.record_id]
            person_of[record.record_id] = (
                existing or "new " + linkage.new_person_of[record.record_id]
            )
        return {
            "existing_records": len(old),
            "new_records": count,
            "matching": pairwise_scores(person_of, truth).as_dict(),
            "seconds": log.steps["incremental"]["seconds"],
        }

    def _add_bench(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="synthetic persons")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--backend", choices=BACKENDS, default="duckdb")
        parser.add_argument(
            "--error-scale",
            type=float,
            default=1.0,
            help="multiply every error rate of the generator (2 = twice as dirty)",
        )
        parser.add_argument("--save-model", type=Path, help="write the trained model here")
        parser.add_argument("--threshold", type=float, help="cluster at this threshold")
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="also score the clustering at several thresholds (for choosing one)",
        )
        parser.add_argument(
            "--incremental",
            type=int,
            default=0,
            metavar="N",
            help="also link the last N records incrementally (link_new) against the persons "
            "of the others, and score that like the full link",
        )

    def _bench(self, options: dict[str, Any]) -> dict[str, Any]:
        from sanfu.assistance.linkage import link, train
        from sanfu.assistance.linkage.engine import link_at_thresholds
        from sanfu.assistance.linkage.evaluate import pairwise_scores
        from sanfu.assistance.linkage.steps import StepLog
        from sanfu.assistance.linkage.synthetic import ErrorRates, generate_county

        if options["persons"] < 10:
            raise CommandError(_("--persons: at least 10"))
        log = StepLog(progress=self.progress)
        with log.step("generate"):
            county = generate_county(
                options["persons"],
                options["seed"],
                rates=ErrorRates().scaled(options["error_scale"]),
            )
        records = county.records
        self.progress(f"{len(records)} records of {len(county.persons)} persons")
        with log.step("train"):
            model = train(records, backend=options["backend"])
        if options["threshold"] is not None:
            model.threshold = options["threshold"]
        if options["save_model"] is not None:
            model.save(options["save_model"])
        linkage = link(
            records, model=model, backend=options["backend"], with_pairs=False, steps=log
        )
        scores = pairwise_scores(linkage.person_of, county.truth)
        sweep = {}
        if options["sweep"]:
            with log.step("threshold sweep"):
                by_threshold = link_at_thresholds(
                    records, model=model, thresholds=_SWEEP, backend=options["backend"]
                )
            sweep = {
                str(t): pairwise_scores(p, county.truth).as_dict() for t, p in by_threshold.items()
            }
        incremental = {}
        if options["incremental"] > 0:
            incremental = self._incremental(county.records, county.truth, model, options, log)
        from sanfu.assistance.bench import findings_bench

        with log.step("findings"):
            findings = findings_bench(county, linkage.person_of, seed=options["seed"])
        match_steps = ("train", "predict", "cluster")
        return {
            "persons": len(county.persons),
            "records": len(records),
            "backend": options["backend"],
            "seed": options["seed"],
            "error_scale": options["error_scale"],
            "threshold": model.threshold,
            "matching": scores.as_dict(),
            "threshold_sweep": sweep,
            "incremental": incremental,
            "persons_found": len(set(linkage.person_of.values())),
            "steps": log.steps,
            "match_seconds": round(sum(log.steps[s]["seconds"] or 0 for s in match_steps), 2),
            "peak_rss_mb": log.peak_rss_mb,
            # Duplicate, excessive and missed aid found with the linkage's persons, scored
            # against the same findings with the true persons (sanfu.assistance.bench).
            "findings": findings,
        }
