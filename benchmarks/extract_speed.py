"""Extraction speed against the text-extraction floor (issue 8).  Run by hand:

    python benchmarks/extract_speed.py [--corpus ../shared/corpus] [--jobs 2]
                                       [--engine pdfium|pdfplumber] [--repeat 3]

Times, in the same run and on the same PDFs, ``pdftotext -layout`` (poppler-utils, the
baseline) and the project's extraction with the cache off, each the best of ``--repeat``
rounds (the machine's other load only ever adds time), and prints pages, both wall times,
their ratio, the pages given the layout work, recall and precision on the corpus answer key
(so that speed never trades against accuracy), and the peak RSS of this process and of its
worker processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _extract(args: tuple[str, bool, str]) -> object:
    from audit.extract import extract

    path, prescan, engine = args
    return extract(path, prescan=prescan, use_cache=False, engine=engine)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--jobs", type=int, default=1, help="processes for the project's run")
    ap.add_argument("--no-prescan", action="store_true", help="layout work on every page")
    ap.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium",
                    help="word source of the project's run")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best of each is kept")
    a = ap.parse_args()
    os.environ["FOOTPRINT_AUDIT_CACHE"] = "off"
    pdfs = sorted(Path(a.corpus, "pdf").glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs under {a.corpus}/pdf", file=sys.stderr)
        return 2
    if shutil.which("pdftotext") is None:
        print("pdftotext not found: apt-get install poppler-utils", file=sys.stderr)
        return 2
    from audit.extract.pdf import scan_pages

    pages = kept = 0
    for p in pdfs:
        k, n, _ = scan_pages(p)
        pages, kept = pages + n, kept + len(k)

    def baseline() -> None:
        for p in pdfs:
            subprocess.run(["pdftotext", "-layout", str(p), os.devnull], check=True,
                           stderr=subprocess.DEVNULL)

    jobs = [(str(p), not a.no_prescan, a.engine) for p in pdfs]
    records: list = []

    def ours() -> None:
        if a.jobs > 1:
            with ProcessPoolExecutor(a.jobs) as ex:
                records[:] = list(ex.map(_extract, jobs))
        else:
            records[:] = [_extract(j) for j in jobs]

    base, mine = [], []
    for _ in range(max(1, a.repeat)):
        for fn, times in ((baseline, base), (ours, mine)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    base_s, ours_s = min(base), min(mine)

    from audit.evaluate import evaluate

    by_file = {Path(d.source["file"]).name: d for d in records}
    res = evaluate(Path(a.corpus, "answers.json"), a.corpus,
                   extractor=lambda path: by_file.get(Path(path).name) or _extract(
                       (str(path), not a.no_prescan, a.engine)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"PDFs {len(pdfs)}, pages {pages}, pages given layout work "
          f"{pages if a.no_prescan else kept}")
    rounds = f"best of {len(base)}" if len(base) > 1 else "one round"
    print(f"pdftotext -layout: {base_s:.2f} s ({rounds}: {', '.join(f'{t:.2f}' for t in base)})")
    print(f"footprint-audit extract ({a.jobs} job{'s' if a.jobs > 1 else ''}, prescan "
          f"{'off' if a.no_prescan else 'on'}, engine {a.engine}): {ours_s:.2f} s "
          f"({rounds}: {', '.join(f'{t:.2f}' for t in mine)})")
    print(f"ratio: {ours_s / base_s:.1f}x pdftotext")
    print(f"recall {res.recall:.3f}, precision {res.precision:.3f} (whole corpus, cards "
          "included)")
    print(f"peak RSS: this process {rss:.0f} MB"
          + (f", largest worker {rss_children:.0f} MB" if a.jobs > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
