"""Build sanfu/ops/data/sample_messages.csv.gz from the shared message data.

    .venv/bin/python scripts/make_sample_messages.py [DATA_DIR]

`sanfu seed cases` reads the full message files from the shared data folder when there is one;
a county's clone has none, so it falls back to this sample: 600 messages with their government
replies and 400 without (half unlabelled, half hot-spot), drawn with a fixed seed so the file
only changes when the data does. Long texts are cut so the file stays well under 1 MB.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "sanfu" / "ops" / "data" / "sample_messages.csv.gz"
SEED = "sanfu-sample-messages-1"
PICKS = (
    ("replied_messages.csv", "replied", 600),
    ("unlabeled_messages.csv", "other", 200),
    ("hotspot_messages.csv", "other", 200),
)
TEXT_LIMIT = 600
REPLY_LIMIT = 900


def main() -> None:
    sys.path.insert(0, str(ROOT))
    # A developer's tool: the settings only need to load, not to be production-ready.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfu.settings")
    os.environ.setdefault("SANFU_DEBUG", "true")
    import django

    django.setup()
    # The same cleaning the generator applies, so the sample holds only usable rows.
    from sanfu.ops.synthetic.messages import clean_message

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    rng = random.Random(SEED)  # noqa: S311 - a reproducible sample, not a secret
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "title", "text", "reply"])
    for name, kind, count in PICKS:
        with (data / name).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(line.replace("\0", "") for line in handle))
        rng.shuffle(rows)
        taken = 0
        for row in rows:
            message = clean_message(row.get("title"), row.get("text"), row.get("reply") or "")
            if message is None or (kind == "replied" and not message.reply):
                continue
            writer.writerow(
                [
                    kind,
                    message.title,
                    _cut(message.text, TEXT_LIMIT),
                    _cut(message.reply, REPLY_LIMIT),
                ]
            )
            taken += 1
            if taken == count:
                break
    # mtime=0: the same rows give the same bytes.
    with gzip.GzipFile(OUTPUT, "wb", compresslevel=9, mtime=0) as packed:
        packed.write(out.getvalue().encode("utf-8"))
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size} bytes")


def _cut(text: str, limit: int) -> str:
    # At a sentence end where there is one, so a cut reply still reads as finished.
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind("。"), head.rfind("！"), head.rfind("？"))
    return head[: end + 1] if end > limit // 2 else head


if __name__ == "__main__":
    main()
