"""Extraction speed against the text-extraction floor (issue 8).  Run by hand:

    python benchmarks/extract_speed.py [--corpus ../shared/corpus] [--jobs 2]

Times, in the same run and on the same PDFs, ``pdftotext -layout`` (poppler-utils, the
baseline) and the project's extraction with the cache off, and prints pages, both wall
times, their ratio, the pages given pdfplumber's layout work, recall and precision on the
corpus answer key (so that speed never trades against accuracy), and the peak RSS.
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


def _extract(args: tuple[str, bool]) -> object:
    from audit.extract import extract

    path, prescan = args
    return extract(path, prescan=prescan, use_cache=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--jobs", type=int, default=1, help="processes for the project's run")
    ap.add_argument("--no-prescan", action="store_true", help="layout work on every page")
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

    t0 = time.perf_counter()
    for p in pdfs:
        subprocess.run(["pdftotext", "-layout", str(p), os.devnull], check=True)
    base = time.perf_counter() - t0

    t0 = time.perf_counter()
    jobs = [(str(p), not a.no_prescan) for p in pdfs]
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs) as ex:
            records = list(ex.map(_extract, jobs))
    else:
        records = [_extract(j) for j in jobs]
    ours = time.perf_counter() - t0

    from audit.evaluate import evaluate

    by_file = {Path(d.source["file"]).name: d for d in records}
    res = evaluate(Path(a.corpus, "answers.json"), a.corpus,
                   extractor=lambda path: by_file.get(Path(path).name) or _extract(
                       (str(path), not a.no_prescan)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PDFs {len(pdfs)}, pages {pages}, pages given layout work "
          f"{pages if a.no_prescan else kept}")
    print(f"pdftotext -layout: {base:.2f} s")
    print(f"footprint-audit extract ({a.jobs} job{'s' if a.jobs > 1 else ''}, prescan "
          f"{'off' if a.no_prescan else 'on'}): {ours:.2f} s")
    print(f"ratio: {ours / base:.1f}x pdftotext")
    print(f"recall {res.recall:.3f}, precision {res.precision:.3f} (whole corpus, cards "
          "included)")
    print(f"peak RSS of this process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
