"""Extraction accuracy on the real corpus, per field and per document, against a baseline.

Run by hand from the repository root::

    python benchmarks/extract_accuracy.py [PATH_TO_answers.json]

Scores :func:`audit.extract.extract` against the hand-checked answer key
(``../shared/corpus/answers.json``, scoring rule in ``../shared/corpus/README.md``) with
:func:`audit.evaluate.evaluate`, and prints recall and precision overall, per field and per
document.  The baseline, measured in the same run on the same files, is the same figure and
attribution rules applied to each PDF page's plain text from pypdfium2 (pdftotext-like: no
word positions, so no columns, no sub/superscripts, no table cells: prose only); cards are
read the same way in both runs.  The ratio column is ours / baseline, so the layout work is
measured, not asserted.  Timings are printed as a ratio too, never as pass/fail.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from _common import ANSWERS, input_path

from audit.evaluate import EvalResult, evaluate
from audit.extract import extract, report_id_for


def baseline_extract(path: Path):
    """Plain page text (pypdfium2) through the same prose rules; cards as ``extract`` reads
    them.  Plain text has no word positions, hence no table cells: the baseline reads prose
    only, page by page."""
    if path.suffix.lower() != ".pdf":
        return extract(path)
    import pypdfium2

    from audit.extract import _assemble
    from audit.extract.markdown import Passage

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    passages = [Passage(t, None, i + 1, order=(i + 1) * 1000) for i, t in enumerate(pages)]
    source = {"title": path.stem, "file": str(path), "doc_type": "pdf"}
    return _assemble(report_id_for(path), source, [], passages, None)


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def _ratio(a: float | None, b: float | None) -> str:
    return "   -" if not a or not b else f"{a / b:5.2f}"


def report(ours: EvalResult, base: EvalResult, t_ours: float, t_base: float) -> str:
    lines = [f"overall   recall {_pct(ours.recall)} (baseline {_pct(base.recall)}, ratio "
             f"{_ratio(ours.recall, base.recall)})   precision {_pct(ours.precision)} "
             f"(baseline {_pct(base.precision)}, ratio {_ratio(ours.precision, base.precision)})",
             f"          {ours.n_matched}/{ours.n_answer} answer figures, "
             f"{ours.n_extracted} extracted; time ratio ours/baseline {t_ours / t_base:.2f}",
             ""]
    for title, mine, theirs in (("field", ours.per_field, base.per_field),
                                ("document", ours.per_document, base.per_document)):
        lines.append(f"{title:40s} {'recall':>7s} {'prec.':>7s} {'n':>4s} {'ext':>4s} "
                     f"{'base R':>7s} {'base P':>7s}")
        for k, v in mine.items():
            b = theirs.get(k, {})
            lines.append(f"{k:40s} {_pct(v['recall']):>7s} {_pct(v['precision']):>7s} "
                         f"{v['n_answer']:4d} {v['n_extracted']:4d} "
                         f"{_pct(b.get('recall')):>7s} {_pct(b.get('precision')):>7s}")
        lines.append("")
    lines.append(f"misses ({len(ours.misses)}):")
    lines += [f"  {m['file']} | {m['model']} | {m['field']} = {m['value']} | {m['hint']}"
              for m in ours.misses]
    lines.append(f"false positives ({len(ours.false_positives)}):")
    lines += [f"  {f['file']} | {f['model']} | {f['field']} = {f['value']} | {f['locator']}"
              f" | {f['hint']}" for f in ours.false_positives]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    answers = input_path(argv, ANSWERS, "the answer key")
    if answers is None:
        return 1
    t0 = time.perf_counter()
    ours = evaluate(answers)
    t1 = time.perf_counter()
    base = evaluate(answers, extractor=baseline_extract)
    t2 = time.perf_counter()
    print(report(ours, base, t1 - t0, t2 - t1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
