"""Extraction accuracy: score extracted figures against the hand-checked answer key.

The answer key is ``../shared/corpus/answers.json`` (format in ``../shared/corpus/README.md``):
a list of rows, one per model (or aggregate) per document, each with its ``figures``.
:func:`evaluate` runs the extractor once per document of the key and scores what comes back
with the corpus README's rule; :func:`format_table` prints the result.

Scoring rule (corpus README), and how this module reads it
-----------------------------------------------------------
An extracted figure matches an answer figure when all of these hold:

1. **Same document** (the answer row's ``file``).
2. **Same field**, one of :data:`SCORED_FIELDS`.  Other fields (context and traps such as
   ``n_embedding_parameters`` or ``accelerator_hours_per_300B_tokens``) are never scored, on
   either side.
3. **Same model row**, or both are aggregates.  An extracted model of kind ``aggregate``
   matches an answer row of ``row_kind`` ``aggregate`` whatever the names.  Otherwise names
   are compared after :func:`normalise_name` (case, spaces, hyphens, punctuation, remarks in
   parentheses such as "(quoted by TinyLlama)" or "(Total row)", and a Hugging Face owner
   prefix such as ``bigscience/``): the row is the same when the normalised names are equal,
   or when one name's tokens occur as a contiguous run in the other's *and* the two share a
   size token (``7b``, ``1.1b``, ``405b``, ``400m``).  A parenthetical remark that carries a
   size token ("bigscience/bloom (BLOOM 176B)") is kept as an alternative name.  So
   "Llama 3.1 8B" does not match "Llama 3 8B" (``3.1`` is one token) and "LLaMA-7B" does not
   match "LLaMA-65B"; "Granite 3.0 1B" does match "Granite 3.0 1B-400M".  A name match is
   accepted whatever the two kinds are (an extractor that calls the LLaMA aggregate a model
   named "LLaMA" still gets it).
4. **Same place.**  PDFs: the extracted ``page`` equals the answer figure's ``page`` (the
   row's ``page`` when the figure has none); an extracted figure without a page never
   matches.  Cards: sections are compared *loosely*, because the key's section strings are
   long descriptions ('## Hardware and Software (HTML table: ...)', '**Training Energy
   Use:** prose') while the extractor gives the heading text a figure sits under.  Both
   sides are normalised (Markdown and HTML markup, punctuation and case removed) and the
   section matches when the extracted heading, or its last ``>``-separated component, occurs
   as whole words in an answer section; or when the head of an answer section (the text
   before its first parenthesis) occurs in the extracted heading; or when either side has no
   section.  The answer sections are the figure's own section (the row's when the figure has
   none), and:

   - one that starts with a heading (``#``) is used alone;
   - one that starts with a bold paragraph label ('**Carbon Footprint** prose', '**Training
     Energy Use:** prose') is used together with the row's section, because such a label
     sits inside the row's heading ('## Hardware and Software') and an extractor may report
     either;
   - one that names no heading at all (no ``#`` or ``**`` markup: 'intro paragraph (line
     4)', 'README.md (intro and training details)', 'Climate performance card table (rows
     1-9), row 7') counts as no section: those figures sit under the document's title
     heading, whose text ("YaLM 100B", "[bigscience/bloom](...)") the description cannot
     contain.
5. **Same value** within 0.5 %: ``|extracted - answer| <= 0.005 * |answer|`` after
   converting the extracted value into the answer's unit (an answer of 0 needs exactly 0).
   A unit that does not parse or has another dimension never matches.

Answer figures with a null ``value`` are not counted.  Likewise an extracted figure with no
value (a word such as "Negligible", see :attr:`audit.records.Figure.bound`) and an extracted
figure whose ``status`` is not ``reported`` (a number the extractor *derived*, not one it
read) are left out of precision; they are counted in :attr:`EvalResult.ignored` so that
nothing disappears silently.

Matching is one-to-one: each answer figure is matched at most once and each extracted figure
at most once.  Candidate pairs are taken greedily, best first: exact name (or
aggregate-aggregate) pairs before name-containment pairs, then the smaller relative error,
then document order.

Units in the answer key
-----------------------
The key writes units for people ('GPU-hour', 'tCO2eq', 'TPU chips', 'tokens (lower bound)',
'hour (GPU-hours implied)', 'USD/GPU-hour', 'GPU-hour per 1e12 tokens', 'day per trillion
tokens').  :func:`parse_answer_unit` turns them into registry units before
:func:`audit.units.parse_unit`: remarks in parentheses are dropped, a leading chip name
('A100 GPU-hour') is dropped, counts of things (parameters, tokens, GPUs, TPU chips, models)
are dimensionless, and a trailing "per <N> tokens" is split off as a token denominator.  Rates
are compared per the answer's denominator; an extracted
``accelerator_hours_per_trillion_tokens`` figure with no denominator in its unit is taken to
be per 1e12 tokens (the field's meaning), any other figure without one is compared as it
stands.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pint

from audit.answer_key import (
    answer_sections,
    name_rank,
    normalise_name,
    parse_answer_unit,
    section_matches,
)
from audit.errors import AuditError, MissingInputError, SchemaError, UnitError
from audit.records import Disclosure, Figure
from audit.units import Q_

#: Fields scored by the accuracy benchmark (corpus README, "Scoring rule").
SCORED_FIELDS: tuple[str, ...] = (
    "accelerator_hours", "accelerator_power", "energy", "emissions", "pue",
    "carbon_intensity", "training_compute", "n_parameters", "n_active_parameters", "n_tokens",
    "accelerator_count", "training_duration", "cost", "gpu_hour_price",
    "accelerator_hours_per_trillion_tokens", "mfu",
)

#: Relative tolerance of a value match (0.5 %).
TOLERANCE = 0.005

_PER_TRILLION_FIELD = "accelerator_hours_per_trillion_tokens"


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvalResult:
    """Scores of one extraction run against the answer key.

    Attributes
    ----------
    recall : float or None
        Matched answer figures / scored answer figures with a value [-]; None if there are
        no answer figures.
    precision : float or None
        Matched extracted figures / scored extracted figures [-]; None if nothing was
        extracted.
    n_answer, n_extracted, n_matched : int
        The counts behind ``recall`` and ``precision``.
    per_field : dict of str to dict
        ``{field: {"recall", "precision", "n_answer", "n_extracted", "matched"}}``.
    per_document : dict of str to dict
        The same, keyed by the answer key's ``file``.
    misses : list of dict
        Unmatched answer figures: ``file, model, field, value, unit, page, section, context``
        (the key's ``where`` and ``match``), ``hint``.
    false_positives : list of dict
        Unmatched extracted figures: ``file, model, field, value, unit, page, section,
        locator, text, hint``.
    errors : list of dict
        Documents that failed to extract: ``file, type, message``.
    matches : list of dict
        Matched pairs (answer and extracted model, field, values, place), for tracing.
    ignored : dict of str to int
        Figures left out of the counts, by reason (``answer_no_value``,
        ``extracted_no_value``, ``extracted_not_reported``, ``unscored_field``).
    """

    recall: float | None
    precision: float | None
    n_answer: int
    n_extracted: int
    n_matched: int
    per_field: dict[str, dict[str, Any]]
    per_document: dict[str, dict[str, Any]]
    misses: list[dict[str, Any]]
    false_positives: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    matches: list[dict[str, Any]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the result (plain lists, dicts, numbers and strings).

        Returns
        -------
        dict
            Keys ``recall``, ``precision``, ``n_answer``, ``n_extracted``, ``n_matched``,
            ``per_field``, ``per_document``, ``misses``, ``false_positives``, ``errors``,
            ``matches``, ``ignored``.
        """
        return {
            "recall": self.recall, "precision": self.precision,
            "n_answer": self.n_answer, "n_extracted": self.n_extracted,
            "n_matched": self.n_matched,
            "per_field": {k: dict(v) for k, v in self.per_field.items()},
            "per_document": {k: dict(v) for k, v in self.per_document.items()},
            "misses": [dict(m) for m in self.misses],
            "false_positives": [dict(f) for f in self.false_positives],
            "errors": [dict(e) for e in self.errors],
            "matches": [dict(m) for m in self.matches],
            "ignored": dict(self.ignored),
        }


@dataclass(frozen=True)
class _Answer:
    file: str
    doc_type: str
    model: str
    row_kind: str
    field: str
    value: float
    unit: str
    q_unit: pint.Unit
    per_tokens: float | None
    page: int | None
    sections: tuple[str, ...]
    where: str | None
    match: str | None
    index: int


@dataclass(frozen=True)
class _Extracted:
    file: str
    model: str
    kind: str
    figure: Figure
    q_unit: pint.Unit | None
    per_tokens: float | None
    unit_error: str | None
    index: int


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
def _load_answers(path: Path) -> tuple[list[dict[str, Any]], list[_Answer], dict[str, int]]:
    if not path.is_file():
        raise MissingInputError(f"{path}: answer key not found; give the path of answers.json")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}: answer key is not valid JSON ({exc})") from None
    if not isinstance(rows, list):
        raise SchemaError(f"{path}: answer key must be a JSON list of rows, "
                          f"got {type(rows).__name__}")
    answers: list[_Answer] = []
    ignored = {"answer_no_value": 0}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not all(k in row for k in ("file", "model", "figures")):
            raise SchemaError(f"{path}: row {i} needs 'file', 'model' and 'figures'")
        if not isinstance(row["figures"], list):
            raise SchemaError(f"{path}: row {i} ({row['model']}): 'figures' must be a list")
        doc_type = row.get("doc_type") or ("pdf" if str(row["file"]).lower().endswith(".pdf")
                                           else "card")
        row_page = row.get("page") if isinstance(row.get("page"), int) else None
        for j, fig in enumerate(row["figures"]):
            where = f"{path}: row {i} ({row['model']}), figure {j}"
            if not isinstance(fig, dict) or "field" not in fig:
                raise SchemaError(f"{where}: a figure needs a 'field'")
            if fig["field"] not in SCORED_FIELDS:
                continue
            if fig.get("value") is None:
                ignored["answer_no_value"] += 1
                continue
            value = fig["value"]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SchemaError(f"{where}: value {value!r} is not a number")
            try:
                q_unit, per = parse_answer_unit(fig.get("unit"), fig["field"])
            except UnitError as exc:
                raise SchemaError(f"{where}: unit {fig.get('unit')!r} of {fig['field']} "
                                  f"does not parse ({exc}); fix the key or extend "
                                  "audit.answer_key.parse_answer_unit") from None
            page = fig.get("page") if isinstance(fig.get("page"), int) else row_page
            answers.append(_Answer(
                file=row["file"], doc_type=doc_type, model=row["model"],
                row_kind=row.get("row_kind", "model"), field=fig["field"], value=float(value),
                unit=str(fig.get("unit") or ""), q_unit=q_unit, per_tokens=per, page=page,
                sections=answer_sections(fig.get("section"), row.get("section")),
                where=fig.get("where"), match=fig.get("match"), index=len(answers)))
    return rows, answers, ignored


def _flatten(file: str, result: Disclosure | Sequence[Disclosure],
             ignored: dict[str, int], start: int) -> list[_Extracted]:
    disclosures = [result] if isinstance(result, Disclosure) else list(result)
    out: list[_Extracted] = []
    for d in disclosures:
        for m in d.models:
            for f in m.figures:
                if f.field not in SCORED_FIELDS:
                    ignored["unscored_field"] = ignored.get("unscored_field", 0) + 1
                    continue
                if f.value is None:
                    ignored["extracted_no_value"] = ignored.get("extracted_no_value", 0) + 1
                    continue
                if f.status != "reported":
                    ignored["extracted_not_reported"] = (
                        ignored.get("extracted_not_reported", 0) + 1)
                    continue
                try:
                    q_unit, per = parse_answer_unit(f.unit, f.field)
                    err = None
                except UnitError as exc:
                    q_unit, per, err = None, None, str(exc)
                out.append(_Extracted(file=file, model=m.name, kind=m.kind, figure=f,
                                      q_unit=q_unit, per_tokens=per, unit_error=err,
                                      index=start + len(out)))
    return out


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------
def _row_rank(e: _Extracted, a: _Answer) -> int | None:
    if e.kind == "aggregate" and a.row_kind == "aggregate":
        return 0
    return name_rank(e.model, a.model)


def _place_ok(e: _Extracted, a: _Answer) -> bool:
    if a.doc_type == "pdf":
        return a.page is None or e.figure.page == a.page
    return section_matches(e.figure.section, a.sections)


def _converted(e: _Extracted, a: _Answer) -> float | None:
    """The extracted value in the answer's unit (and per the answer's token count)."""
    if e.q_unit is None or e.figure.value is None:
        return None
    try:
        v = Q_(float(e.figure.value), e.q_unit).to(a.q_unit).magnitude
    except (pint.errors.DimensionalityError, pint.errors.OffsetUnitCalculusError):
        return None
    den_a, den_e = a.per_tokens, e.per_tokens
    if a.field == _PER_TRILLION_FIELD:
        den_a, den_e = den_a or 1e12, den_e or 1e12
    if den_a and den_e and den_a != den_e:
        v = v * den_a / den_e
    return float(v)


def _rel_error(e: _Extracted, a: _Answer) -> float | None:
    v = _converted(e, a)
    if v is None or not math.isfinite(v):
        return None
    if a.value == 0:
        return 0.0 if v == 0 else math.inf
    return abs(v - a.value) / abs(a.value)


def _value_ok(err: float | None) -> bool:
    return err is not None and err <= TOLERANCE * (1 + 1e-9)


def _match_document(answers: list[_Answer], extracted: list[_Extracted]
                    ) -> list[tuple[_Answer, _Extracted]]:
    candidates = []
    for a in answers:
        for e in extracted:
            if e.figure.field != a.field:
                continue
            rank = _row_rank(e, a)
            if rank is None or not _place_ok(e, a):
                continue
            err = _rel_error(e, a)
            if _value_ok(err):
                candidates.append((rank, err, a.index, e.index, a, e))
    candidates.sort(key=lambda c: c[:4])
    used_a: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    for _, _, ai, ei, a, e in candidates:
        if ai in used_a or ei in used_e:
            continue
        used_a.add(ai)
        used_e.add(ei)
        pairs.append((a, e))
    return pairs


# --------------------------------------------------------------------------------------------
# Diagnostics for misses and false positives
# --------------------------------------------------------------------------------------------
def _place_of_answer(a: _Answer) -> str:
    return f"p. {a.page}" if a.doc_type == "pdf" else (a.sections[0] if a.sections else "-")


def _place_of_figure(f: Figure) -> str:
    return f"p. {f.page}" if f.page is not None else (f.section or "-")


def _hint_false_positive(e: _Extracted, answers: list[_Answer]) -> str:
    if e.unit_error:
        return f"unit does not parse: {e.unit_error}"
    same_field = [a for a in answers if a.field == e.figure.field]
    if not same_field:
        return f"the key has no {e.figure.field} figure for this document"
    for a in same_field:
        if _value_ok(_rel_error(e, a)):
            row, place = _row_rank(e, a) is not None, _place_ok(e, a)
            if row and place:
                return (f"duplicate: the answer ({a.model}, {_place_of_answer(a)}) is "
                        "already matched by another extracted figure")
            wrong = " and ".join(w for w, ok in (("model row", row), ("place", place))
                                 if not ok)
            return (f"value agrees with the key's {a.model!r} at {_place_of_answer(a)}, "
                    f"but the {wrong} differ{'s' if ' and ' not in wrong else ''}")
    here = [a for a in same_field if _row_rank(e, a) is not None and _place_ok(e, a)]
    if here:
        def distance(x: _Answer) -> float:
            v = _converted(e, x)
            return math.inf if v is None else abs(v - x.value)

        a = min(here, key=distance)
        conv = _converted(e, a)
        if conv is None:
            return f"unit {e.figure.unit!r} does not convert to the key's {a.unit!r}"
        return f"the key says {_fmt(a.value)} {a.unit} here (extracted = {_fmt(conv)})"
    if any(_row_rank(e, a) is not None for a in same_field):
        return f"no {e.figure.field} for this row at {_place_of_figure(e.figure)} in the key"
    return f"no row {e.model!r} with {e.figure.field} in the key"


def _hint_miss(a: _Answer, extracted: list[_Extracted]) -> str:
    same_field = [e for e in extracted if e.figure.field == a.field]
    if not same_field:
        return f"nothing extracted for {a.field} in this document"
    for e in same_field:
        if _value_ok(_rel_error(e, a)):
            row, place = _row_rank(e, a) is not None, _place_ok(e, a)
            if row and place:
                return "the extracted figure that agrees was used by another answer figure"
            wrong = " and ".join(w for w, ok in (("model row", row), ("place", place))
                                 if not ok)
            return (f"value extracted as {e.model!r} at {_place_of_figure(e.figure)}: "
                    f"{wrong} differ{'s' if ' and ' not in wrong else ''}")
    here = [e for e in same_field if _row_rank(e, a) is not None and _place_ok(e, a)]
    if here:
        vals = ", ".join(f"{_fmt(e.figure.value)} {e.figure.unit}" for e in here[:3])
        return f"extracted here with another value: {vals}"
    return f"{a.field} extracted elsewhere in the document, not for this row and place"


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def evaluate(answers_path: str | os.PathLike[str], corpus_dir: str | os.PathLike[str] | None
             = None, *, extractor: Callable[[Path], Disclosure | Sequence[Disclosure]]
             | None = None) -> EvalResult:
    """Score an extractor against the answer key (corpus README's scoring rule).

    Parameters
    ----------
    answers_path : str or path-like
        The answer key, a JSON list of rows (``answers.json``).
    corpus_dir : str or path-like, optional
        Folder the key's ``file`` paths are relative to; default the key's own folder.
    extractor : callable, optional
        ``extractor(path) -> Disclosure`` (or a sequence of them); default
        :func:`audit.extract.extract`, imported only when needed.  It is called once per
        distinct ``file`` of the key.

    Returns
    -------
    EvalResult
        Overall, per-field and per-document recall and precision, every miss, every false
        positive, and the documents that failed to extract.

    Raises
    ------
    MissingInputError
        If the answer key does not exist.
    SchemaError
        If the answer key is not JSON, is not a list of rows with ``file``, ``model`` and
        ``figures``, or a scored figure has a value that is not a number or a unit that does
        not parse.

    Notes
    -----
    ``recall = matched answer figures / answer figures``,
    ``precision = matched extracted figures / extracted figures``, both over the scored
    fields only (:data:`SCORED_FIELDS`), answer figures with a value, extracted figures with
    a value and status ``reported``.  A document whose extraction raises an
    :class:`~audit.errors.AuditError` is recorded in ``errors``; its answer figures all count
    as misses and the run goes on.  Any other exception propagates: it is a bug, not a
    property of the document.

    Examples
    --------
    >>> r = evaluate("../shared/corpus/answers.json")  # doctest: +SKIP
    >>> print(format_table(r))  # doctest: +SKIP
    """
    apath = Path(answers_path)
    root = Path(corpus_dir) if corpus_dir is not None else apath.parent
    rows, answers, ignored = _load_answers(apath)
    if extractor is None:
        from audit.extract import extract as extractor  # lazy: heavy PDF imports

    # Every document of the key is run, also one whose rows carry no scored figure (a
    # negative control): what is extracted there counts against precision.
    files = list(dict.fromkeys(str(r["file"]) for r in rows))
    extracted: dict[str, list[_Extracted]] = {}
    errors: list[dict[str, Any]] = []
    n_ext = 0
    for f in files:
        try:
            result = extractor(root / f)
        except AuditError as exc:
            errors.append({"file": f, "type": type(exc).__name__, "message": str(exc)})
            extracted[f] = []
            continue
        extracted[f] = _flatten(f, result, ignored, n_ext)
        n_ext += len(extracted[f])

    matches: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    fps: list[dict[str, Any]] = []
    matched_a: set[int] = set()
    matched_e: set[int] = set()
    failed = {e["file"] for e in errors}
    for f in files:
        doc_answers = [a for a in answers if a.file == f]
        for a, e in _match_document(doc_answers, extracted[f]):
            matched_a.add(a.index)
            matched_e.add(e.index)
            matches.append({"file": f, "model": a.model, "extracted_model": e.model,
                            "field": a.field, "value": a.value, "unit": a.unit,
                            "extracted_value": e.figure.value, "extracted_unit": e.figure.unit,
                            "page": a.page if a.doc_type == "pdf" else None,
                            "section": a.sections[0] if a.sections else None})
        for a in doc_answers:
            if a.index not in matched_a:
                ctx = " | ".join(x for x in (a.where, a.match and f"match: {a.match}") if x)
                misses.append({
                    "file": f, "model": a.model, "field": a.field, "value": a.value,
                    "unit": a.unit, "page": a.page if a.doc_type == "pdf" else None,
                    "section": a.sections[0] if a.sections else None,
                    "context": ctx, "where": a.where, "match": a.match,
                    "hint": "document failed to extract" if f in failed
                    else _hint_miss(a, extracted[f])})
        for e in extracted[f]:
            if e.index not in matched_e:
                fig = e.figure
                fps.append({"file": f, "model": e.model, "field": fig.field,
                            "value": fig.value, "unit": fig.unit, "page": fig.page,
                            "section": fig.section, "locator": fig.locator, "text": fig.text,
                            "hint": _hint_false_positive(e, doc_answers)})

    all_ext = [e for f in files for e in extracted[f]]
    per_field = _breakdown(SCORED_FIELDS, answers, all_ext, matched_a, matched_e,
                           key=lambda x: x.field if isinstance(x, _Answer) else x.figure.field)
    per_document = _breakdown(files, answers, all_ext, matched_a, matched_e,
                              key=lambda x: x.file, keep_empty=True)
    n_a, n_e, n_m = len(answers), len(all_ext), len(matched_a)
    return EvalResult(recall=_ratio(n_m, n_a), precision=_ratio(len(matched_e), n_e),
                      n_answer=n_a, n_extracted=n_e, n_matched=n_m, per_field=per_field,
                      per_document=per_document, misses=misses, false_positives=fps,
                      errors=errors, matches=matches,
                      ignored={k: v for k, v in ignored.items() if v})


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _breakdown(keys: Iterable[str], answers: list[_Answer], extracted: list[_Extracted],
               matched_a: set[int], matched_e: set[int], *, key: Callable[[Any], str],
               keep_empty: bool = False) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for k in keys:
        na = [a for a in answers if key(a) == k]
        ne = [e for e in extracted if key(e) == k]
        if not na and not ne and not keep_empty:
            continue
        ma = sum(a.index in matched_a for a in na)
        me = sum(e.index in matched_e for e in ne)
        out[k] = {"recall": _ratio(ma, len(na)), "precision": _ratio(me, len(ne)),
                  "n_answer": len(na), "n_extracted": len(ne), "matched": ma}
    return out


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".6g")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _one_line(text: str | None, width: int = 110) -> str:
    s = " ".join((text or "").split())
    return s if len(s) <= width else s[: width - 3] + "..."


def format_table(result: EvalResult) -> str:
    """Render an :class:`EvalResult` as a plain-text report.

    Parameters
    ----------
    result : EvalResult
        The result of :func:`evaluate`.

    Returns
    -------
    str
        An overall line, a per-field and a per-document table (``tabulate``), then the
        extraction errors, every miss and every false positive, one line each with file,
        page or section, model, field, value and the text around it.

    Raises
    ------
    TypeError
        If ``result`` is not an :class:`EvalResult`.
    """
    from tabulate import tabulate

    if not isinstance(result, EvalResult):
        raise TypeError(f"format_table needs an EvalResult, got {type(result).__name__}")
    lines = [
        f"recall {_pct(result.recall)} ({result.n_matched}/{result.n_answer} answer figures)"
        f"  precision {_pct(result.precision)} "
        f"({len(result.matches)}/{result.n_extracted} extracted figures)"
        f"  errors {len(result.errors)}"]
    if result.ignored:
        lines.append("not scored: " + ", ".join(f"{k} {v}" for k, v in
                                                sorted(result.ignored.items())))
    headers = ["recall", "precision", "matched", "answer", "extracted"]

    def table(title: str, rows: dict[str, dict[str, Any]]) -> None:
        body = [[k, _pct(v["recall"]), _pct(v["precision"]), v["matched"], v["n_answer"],
                 v["n_extracted"]] for k, v in rows.items()]
        lines.extend(["", tabulate(body, headers=[title, *headers], tablefmt="simple",
                                   disable_numparse=True)])

    table("field", result.per_field)
    table("document", result.per_document)
    if result.errors:
        lines += ["", f"errors ({len(result.errors)}):"]
        lines += [f"  {e['file']}: {e['type']}: {_one_line(e['message'])}"
                  for e in result.errors]
    lines += ["", f"misses ({len(result.misses)}):"]
    for m in result.misses:
        place = f"p. {m['page']}" if m.get("page") is not None else _one_line(m.get("section"),
                                                                                 50)
        lines.append(f"  MISS {m['file']} | {place} | {m['model']} | {m['field']} = "
                     f"{_fmt(m['value'])} {m['unit']} | {_one_line(m.get('context'), 100)}"
                     f" | {m.get('hint', '')}")
    lines += ["", f"false positives ({len(result.false_positives)}):"]
    for f in result.false_positives:
        place = f"p. {f['page']}" if f.get("page") is not None else _one_line(f.get("section"),
                                                                                 50)
        loc = f" [{f['locator']}]" if f.get("locator") else ""
        lines.append(f"  FP   {f['file']} | {place}{loc} | {f['model']} | {f['field']} = "
                     f"{_fmt(f['value'])} {f['unit']} | {_one_line(f.get('text'), 100)}"
                     f" | {f.get('hint', '')}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the accuracy report: ``python -m audit.evaluate answers.json [corpus_dir]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 when the answer key cannot be read.

    Raises
    ------
    SystemExit
        With status 2 on a usage error (argparse).
    """
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m audit.evaluate",
                                description="Score extraction against the answer key.")
    p.add_argument("answers")
    p.add_argument("corpus_dir", nargs="?")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    try:
        r = evaluate(args.answers, args.corpus_dir)
    except AuditError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(r.to_dict(), indent=1) if args.json else format_table(r), end="")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["EvalResult", "SCORED_FIELDS", "TOLERANCE", "evaluate", "format_table",
           "normalise_name", "parse_answer_unit", "section_matches", "main"]
