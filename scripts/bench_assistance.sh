#!/usr/bin/env bash
# Person-matching benchmarks; each step prints one JSON object on stdout, progress on stderr.
#
#   scripts/bench_assistance.sh [PERSONS]   (default 50000 persons, about 100,000 records)
#
# 1. `sanfu assistance bench`: the synthetic county of sanfu.assistance.linkage.synthetic, with
#    pairwise precision/recall/F1 at the model's threshold and a threshold sweep, wall time and
#    peak RSS of each step (generate, train, predict, cluster), and the last 2% of the records
#    linked incrementally (link_new) against the persons of the rest.
# 2. A second, differently built population (tests/assistance/linkage/other_generator.py)
#    written as CSV and matched end to end by `sanfu assistance match` (read, train, predict,
#    cluster, write), then scored against its truth.
# The machine is shared: read the seconds as an upper bound.
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-50000}
export SANFU_DEBUG=${SANFU_DEBUG:-true}
bin=.venv/bin
work=$(mktemp -d /tmp/sanfu-bench-assistance.XXXXXX)
trap 'rm -rf "$work"' EXIT

$bin/sanfu assistance bench --persons "$persons" --seed 7 --sweep --incremental $((persons / 20))
$bin/python -m tests.assistance.linkage.other_generator --persons "$persons" --seed 7 --out "$work"
$bin/sanfu assistance match --input "$work/records.csv" --output "$work/persons.csv"
$bin/python -m tests.assistance.linkage.other_generator --out "$work" --score "$work/persons.csv"
