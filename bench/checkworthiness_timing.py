"""How long the intake takes to rank a 2,000-word article, on one core.

    python bench/checkworthiness_timing.py [--words 2000] [--runs 50]

The article is the seed report (seeds/putin-ceasefire-offer-article.txt) with its paragraphs repeated
until it has the words asked for; the HTML variant wraps the same paragraphs in a news page. The
process is pinned to one CPU (where the OS allows), warmed up (imports, the splitter's and the
language detector's one-time loading), then each step is timed `runs` times:

- rank: split into sentences, score, explain and attribute each (intake.ranking.rank), what the
  issue's target (< 200 ms) is about;
- plain text: the line cleaner and language detection, then rank (a pasted or uploaded .txt);
- HTML: trafilatura's extraction and language detection, then rank (an uploaded or fetched page).

Database writes (the source, the sentences) and matching against existing claims are not included:
they depend on the database, not on the model.
"""

import argparse
import os
import statistics
import sys
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake import cleaning, ranking  # noqa: E402 - after the path is set

TARGET_MS = 200


def article(words):
    seed = cleaning.from_plain_text((ROOT / "seeds" / "putin-ceasefire-offer-article.txt").read_text("utf-8"))
    paragraphs, count = [], 0
    while count < words:
        for paragraph in seed.paragraphs:
            paragraphs.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
    return seed.title, paragraphs


def as_html(title, paragraphs):
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><title>{escape(title)}</title>'
        '<meta property="og:site_name" content="Bench News"></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<aside>Related stories</aside><footer>All rights reserved.</footer></body></html>"
    )


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    title, paragraphs = article(args.words)
    text = "\n\n".join([title, *paragraphs])
    html = as_html(title, paragraphs)
    sentences = len(ranking.rank(paragraphs))  # also the warm-up of the splitter and the model
    for _ in range(3):
        ranking.rank(paragraphs)
        ranking.rank(cleaning.from_plain_text(text).paragraphs)
        ranking.rank(cleaning.from_html(html).paragraphs)
    words = sum(len(p.split()) for p in paragraphs)
    print(f"{words:,} words, {len(paragraphs)} paragraphs, {sentences} sentences; {args.runs} runs on {cores} core(s).")
    steps = {
        "rank (split, score, explain, attribute)": lambda: ranking.rank(paragraphs),
        "plain text: clean + language + rank": lambda: ranking.rank(cleaning.from_plain_text(text).paragraphs),
        "HTML: trafilatura + language + rank": lambda: ranking.rank(cleaning.from_html(html).paragraphs),
    }
    results = {}
    for name, step in steps.items():
        results[name] = timed(step, args.runs)
        r = results[name]
        print(f"  {name:42} median {r['median']:6.1f} ms   p95 {r['p95']:6.1f} ms   max {r['max']:6.1f} ms")
    worst = max(r["p95"] for r in results.values())
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(
        f"Target: a {args.words:,}-word article ranked in < {TARGET_MS} ms on one core: {verdict} (worst p95 {worst:.1f} ms)."
    )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
