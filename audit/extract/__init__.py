"""Extraction: report PDFs and model cards -> schema-checked :class:`Disclosure` records.

``extract(path)`` reads a PDF (pdfplumber) or a Markdown card, interprets its tables
(:mod:`audit.extract.tables`) and its prose (:data:`audit.extract.figures.PROSE_PATTERNS`),
and attributes every figure to a model row:

- a table row's figures belong to the row's model; a ``Total`` row is an aggregate;
- a prose figure belongs to the one model its sentence names; a sentence that names none
  belongs to the report's subject: its single model, or, when the report's tables list
  several models, the document-level aggregate.

Every figure keeps page (or card section), locator and the text matched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from audit.errors import ExtractionError, MissingInputError
from audit.extract.figures import PROSE_PATTERNS, RATE_RE, parse_number
from audit.extract.markdown import Passage, read_card
from audit.extract.tables import RowResult, Table, interpret
from audit.records import Disclosure, Figure, ModelDisclosure, Warning_, validate
from audit.units import parse_unit

CARD_SUFFIXES = {".md", ".markdown", ".txt", ".mdx"}
# Figures that a table's caption or its surrounding prose states once for all its rows.
SHARED_FIELDS = {"pue", "carbon_intensity"}
_MODEL_RE = re.compile(
    r"\b([A-Z][A-Za-z]*[a-z][A-Za-z]*(?:[- ](?:[A-Z][a-z]+))?[- ]?(?:V|v)?\d+(?:\.\d+)?"
    r"(?:[- ]\d+(?:\.\d+)?[BMK](?:-A?\d+[BM])?)?)(?![\w.])")
_NOT_MODELS = re.compile(r"^(?:Table|Figure|Fig|Section|Appendix|Eq|Equation|Step|Stage|Top|"
                         r"Version|Page|Phase|Level|Round|Part|Chapter|Layer|In|On|At|By|"
                         r"Since|From|To|For|Of|And|The|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                         r"Oct|Nov|Dec|January|February|March|April|June|July|August|"
                         r"September|October|November|December|Python|Claude|Qwen|Mistral)\b")
_RELEVANT = re.compile(r"gpu|tpu|hour|energy|power|carbon|co\s*2|emission|pue|flop|compute|"
                       r"cost|\$|train|token|param|kwh|mwh|days?|chips?", re.I)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def norm_name(name: str) -> str:
    """Normalised model name for matching (case, spaces, hyphens, parentheses dropped)."""
    n = re.sub(r"\(.*?\)", "", name)
    return re.sub(r"[\s\-_.,/]+", "", n).lower()


def report_id_for(path: Path) -> str:
    """A report id slug from a file name (``Llama3.1 card.md`` -> ``llama3-1-card``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "report"


def _main_model(passages: list[Passage], title: str | None) -> str | None:
    if title and _MODEL_RE.search(title):
        return _MODEL_RE.search(title).group(1)
    counts: Counter[str] = Counter()
    for p in passages[:2]:
        for m in _MODEL_RE.finditer(p.text):
            name = m.group(1)
            if _NOT_MODELS.match(name) or re.search(r"\b(?:19|20)\d\d$", name):
                continue
            counts[name] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _sentences(passage: Passage):
    text = re.sub(r"-\n(?=[a-z])", "", passage.text)
    text = re.sub(r"\s*\n\s*", " ", text)
    yield from (s for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z(•*])", text) if s.strip())


def _prose_figures(sentence: str, passage: Passage) -> list[Figure]:
    out: list[Figure] = []
    spans: list[tuple[int, int]] = []
    for field, pattern, unit in PROSE_PATTERNS:
        for m in pattern.finditer(sentence):
            span = m.span("n")
            if any(a <= span[0] < b for a, b in spans):
                continue  # a number already read as another field
            num = parse_number(m.group("n"))
            if num is None:
                continue
            u = unit.format(u=m.group("u")) if "{u}" in unit else unit
            u = f"{parse_unit(u):~}" if u != "dimensionless" else u
            f = field
            if f == "accelerator_hours" and RATE_RE.search(sentence[max(0, span[0] - 80):
                                                                    span[1] + 60]):
                f = "accelerator_hours_per_trillion_tokens"
            if f in ("n_parameters", "n_tokens") and not num.suffixed:
                continue  # "12 layers", "4096 tokens" of context: not sizes
            if f == "cost" and not num.suffixed and num.value < 1000:
                continue
            if f == "training_duration" and not re.search(r"train|took|took|run|pre-?train",
                                                          sentence, re.I):
                continue
            spans.append(m.span())
            lo = max(0, m.start() - 40)
            out.append(Figure(field=f, value=num.value, unit=u, bound=num.bound,
                              page=passage.page, section=passage.section, locator="text",
                              text=sentence[lo:m.end() + 40].strip()))
    return out


def _names_in(sentence: str, known: dict[str, str]) -> list[str]:
    s = norm_name(sentence)
    hits = [orig for key, orig in known.items() if key and key in s]
    # keep the longest names only ("llama3170b" over "llama3")
    return [h for h in hits if not any(h != o and norm_name(h) in norm_name(o) for o in hits)]


def _assemble(report_id: str, source: dict, tables: list[Table], passages: list[Passage],
              title: str | None) -> Disclosure:
    from audit.assumptions import find_accelerator

    main = _main_model(passages, title)
    rows: list[RowResult] = []
    for t in tables:
        rows += interpret(t, main, lambda c: find_accelerator(c) is not None and len(c) < 30)
    models: dict[str, dict] = {}

    def slot(name: str, kind: str) -> dict:
        key = norm_name(name) if kind == "model" else "__aggregate__" + norm_name(name)
        if key not in models:
            models[key] = {"name": name, "kind": kind, "figures": [], "acc": Counter()}
        return models[key]

    cost_fields = {"accelerator_hours", "energy", "emissions", "accelerator_power", "cost"}
    for r in rows:
        s = slot(r.name, r.kind)
        if any(f.field in cost_fields for f in r.figures) and not s.get("named_by_cost"):
            s["name"], s["named_by_cost"] = r.name, True  # the cost table's spelling wins
        s["figures"] += r.figures
        if r.accelerator_printed:
            s["acc"][r.accelerator_printed] += 1
    table_models = {norm_name(s["name"]): s["name"] for s in models.values()
                    if s["kind"] == "model"}
    multi = len(table_models) > 1
    known = dict(table_models)
    if main:
        known.setdefault(norm_name(main), main)
    doc_accs: Counter[str] = Counter()
    for p in passages:
        for sent in _sentences(p):
            acc = find_accelerator(sent) if _RELEVANT.search(sent) else None
            if acc:
                doc_accs[acc] += 1
            if not _RELEVANT.search(sent):
                continue
            figs = _prose_figures(sent, p)
            if not figs:
                continue
            names = _names_in(sent, known)
            shared = [f for f in figs if f.field in SHARED_FIELDS]
            rows_here = [] if names else [
                m for m in models.values() if m["kind"] == "model" and any(
                    f.locator != "text" and f.page == p.page and f.section == p.section
                    for f in m["figures"])]
            if shared and len(rows_here) > 1:
                # a caption's PUE or grid factor applies to every row of the table it captions
                for m in rows_here:
                    m["figures"] += shared
                figs = [f for f in figs if f.field not in SHARED_FIELDS]
                if not figs:
                    continue
            if len(names) == 1:
                s = slot(names[0], "model")
            elif multi or not main:
                s = slot(f"{main or title or report_id} (document)", "aggregate")
            else:
                s = slot(main, "model")
            s["figures"] += figs
    warnings: list[Warning_] = []
    out = []
    doc_acc = doc_accs.most_common(1)[0][0] if doc_accs else None
    for s in models.values():
        figs = _dedupe(s["figures"])
        if not figs:
            continue
        printed = s["acc"].most_common(1)[0][0] if s["acc"] else None
        acc_id = find_accelerator(printed) if printed else doc_acc
        out.append(ModelDisclosure(name=s["name"], kind=s["kind"], figures=tuple(figs),
                                   accelerator=acc_id, accelerator_printed=printed))
    warnings += _total_checks(out)
    d = Disclosure(report_id=report_id, source=source, models=tuple(out),
                   warnings=tuple(warnings))
    validate(d.to_dict(), "disclosure", where=source.get("file", report_id))
    return d


def _dedupe(figs: list[Figure]) -> list[Figure]:
    seen, out = set(), []
    for f in figs:
        key = (f.field, f.value, f.unit, f.page, f.section, f.basis, f.scope, f.locator == "text")
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _total_checks(models: list[ModelDisclosure]) -> list[Warning_]:
    """Warn where a table's Total row is not the sum of its model rows."""
    out = []
    for agg in (m for m in models if m.kind == "aggregate"):
        for fig in agg.figures:
            if fig.locator == "text" or fig.value is None:
                continue
            table = fig.locator.split(", row")[0]
            parts = [f for m in models if m.kind == "model" for f in m.figures
                     if f.field == fig.field and f.basis == fig.basis and f.scope == fig.scope
                     and f.locator and f.locator.split(", row")[0] == table
                     and f.page == fig.page and f.section == fig.section]
            if len(parts) < 2:
                continue
            total = sum(p.quantity.to(fig.unit).magnitude for p in parts)
            if abs(total - fig.value) > 0.02 * abs(fig.value):
                out.append(Warning_("TOTAL_ROW_MISMATCH",
                                    f"{table}: {agg.name} {fig.field} is {fig.value:g} "
                                    f"{fig.unit} but the {len(parts)} model rows sum to "
                                    f"{total:g}; the total counts something not listed",
                                    model=agg.name, field=fig.field))
    return out


def extract_text(text: str, *, report_id: str = "text", file: str | None = None) -> Disclosure:
    """Extract figures from a text or Markdown report held in memory.

    Raises
    ------
    ExtractionError
        If an HTML table in the text cannot be parsed.
    """
    tables, passages, title = read_card(text, where=file or report_id)
    source = {"title": title or report_id, "doc_type": "card" if file else "text"}
    if file:
        source["file"] = file
    return _assemble(report_id, source, tables, passages, title)


def extract(path: str | Path, *, max_pages: int | None = None) -> Disclosure:
    """Extract a disclosure record from a report PDF or a Markdown model card.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.pdf`` report, or a ``.md`` / ``.txt`` model card.
    max_pages : int, optional
        Read at most this many PDF pages.

    Returns
    -------
    Disclosure
        Validated against ``schemas/disclosure.schema.json``.

    Raises
    ------
    MissingInputError
        If the file does not exist.
    ExtractionError
        If the file is empty, not a PDF or a card, encrypted, corrupt, or has no text layer.
    """
    p = Path(path)
    if not p.exists():
        raise MissingInputError(f"{p}: no such file")
    if p.is_dir():
        raise ExtractionError(f"{p}: is a folder; give a file (or use `audit DIR`)")
    if p.stat().st_size == 0:
        raise ExtractionError(f"{p}: empty file (0 bytes)")
    sha = _sha256(p)
    rid = report_id_for(p)
    if p.suffix.lower() == ".pdf":
        from audit.extract.pdf import read_pdf

        tables, passages = read_pdf(p, max_pages=max_pages)
        source = {"title": p.stem, "file": str(p), "sha256": sha, "doc_type": "pdf"}
        return _assemble(rid, source, tables, passages, None)
    if p.suffix.lower() in CARD_SUFFIXES:
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ExtractionError(f"{p}: not UTF-8 text; save the card as UTF-8") from None
        tables, passages, title = read_card(text, where=str(p))
        source = {"title": title or p.stem, "file": str(p), "sha256": sha, "doc_type": "card"}
        return _assemble(rid, source, tables, passages, title)
    raise ExtractionError(f"{p}: unsupported file type {p.suffix!r}; give a .pdf or .md file")


__all__ = ["extract", "extract_text", "norm_name", "report_id_for"]
