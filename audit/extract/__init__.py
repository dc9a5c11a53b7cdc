"""Extraction: report PDFs and model cards -> schema-checked :class:`Disclosure` records.

``extract(path)`` reads a PDF (:mod:`audit.extract.pdf`: words, columns, tables in reading
order) or a Markdown card (:mod:`audit.extract.markdown`), interprets its tables
(:mod:`audit.extract.tables`) and its prose (:mod:`audit.extract.prose`), and attributes
every figure to a model row (:mod:`audit.extract.attribution`):

- a table row's figures belong to the row's model; a ``Total`` row is an aggregate; a row
  named only by its size (``6.7B``, ``1B``) belongs to the report's model of that size;
- a prose figure belongs to the model the sentence names nearest before it (or the report's
  subject: its single model, or its document-level aggregate);
- a figure a caption states once for a whole table (PUE, grid intensity) belongs to every
  row of that table.

Then, as an auditor reads a report:

- a restatement is one disclosure: a prose figure that repeats, for the same model, a value
  a table gives (on the same or a later page; anywhere in a card) or that earlier prose
  gave, is dropped, and so is a second table cell with the same value.  Sizes (parameters,
  tokens) are static: the first statement wins - the model's cost-table row, else the
  earliest page (a table before prose on that page; in a card, tables before prose), so an
  abstract's ``671B total parameters`` beats a benchmark table's ``# Total Params`` row;
  a parameter count that only repeats the size in the model's name (``7B`` for LLaMA-7B)
  gives way to a measured one (``6.7B``); a family-level size (``Llama 2 ... 2 trillion
  tokens``, ``our models ... 8B parameters``) is dropped where the model rows give sizes;
- sizes quoted for models the report says nothing else about (related work: ``Qwen2-1.5B
  was trained on 7 trillion tokens``) are dropped; figures quoted for other models that the
  report does give costs for (``DeepSeek 67B requires 300.6K GPU hours``) stay theirs;
- a per-trillion-token rate with a token count gives ``accelerator_hours`` as a *derived*
  figure (method ``accelerator_hours_from_rate``, inputs named);
- soft problems become warnings on the Disclosure (:mod:`audit.extract.checks`).

Every figure keeps page (or card section), locator (table and row, or ``text``) and the
text matched.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from audit.errors import ExtractionError, MissingInputError
from audit.extract import checks
from audit.extract.attribution import (
    _AGGREGATE_RE,
    Models,
    canon,
    family_of,
    is_anaphor,
    main_model,
    pick,
    size_token,
    size_value,
)
from audit.extract.figures import SMALL_WORDS, parse_number
from audit.extract.markdown import Passage, read_card
from audit.extract.prose import Hit, sentence_figures
from audit.extract.tables import SIZE_RE, RowResult, Table, interpret
from audit.records import (
    Disclosure,
    Figure,
    ModelDisclosure,
    Warning_,
    dump_json,
    validate,
    write_atomic,
)

CARD_SUFFIXES = {".md", ".markdown", ".txt", ".mdx"}
# Figures that a table's caption or its surrounding prose states once for all its rows.
SHARED_FIELDS = {"pue", "carbon_intensity"}
SIZE_FIELDS = {"n_parameters", "n_active_parameters", "n_tokens"}
COST_FIELDS = {"accelerator_hours", "energy", "emissions", "accelerator_power", "cost",
               "accelerator_count", "training_compute", "accelerator_hours_per_trillion_tokens"}
#: Values within this relative difference are the same disclosure restated [-] (the scoring
#: tolerance of the answer key; ``3.3M`` restates ``3,311,616``).
SAME_VALUE = 0.005
#: A printed parameter count within this fraction of the size in a model's name is the
#: measured count behind the rounded name (LLaMA-7B: 6.7B; Granite 3.0 1B-A400M: 1.3B) [-].
NOMINAL_SPREAD = 0.35
_RELEVANT = re.compile(r"gpu|tpu|hour|energy|power|carbon|co\s*2|emission|pue|flop|compute|"
                       r"cost|\$|train|token|param|kwh|mwh|days?|weeks?|months?|chips?|mfu|"
                       r"utili[sz]ation|activated|\d\s*[x×]\s*\d", re.I)


#: an accelerator named here is not the training hardware: inference, tests, deployment
_NOT_TRAINING = re.compile(r"\binferenc\w*|\btested on\b|\bdeploy\w*|\bserving\b|"
                           r"\brecommend\w*|\bminimum\b|\bhow to (?:use|run)\b|"
                           r"\bdemonstrat\w*", re.I)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def norm_name(name: str) -> str:
    """Normalised model name for matching (case, spaces, hyphens, parentheses dropped)."""
    return canon(name)


def report_id_for(path: Path) -> str:
    """A report id slug from a file name (``Llama3.1 card.md`` -> ``llama3-1-card``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "report"


def sentences(passage: Passage):
    """The sentences of a passage (hyphenation and line breaks joined)."""
    text = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", passage.text)
    text = re.sub(r"\\?\*\\?\*|__", "", text)  # Markdown bold: "**39.3**M GPU hours"
    text = re.sub(r"\s*\n\s*", " ", text)
    parts = re.split(r"(?<=[.!?;])\s+(?=[A-Z(•*\"“\[])", text)
    out: list[str] = []
    for part in parts:
        if out and _ABBREV_END.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    yield from (s for s in out if s.strip())


_ABBREV_END = re.compile(r"(?:\bet al|\be\.g|\bi\.e|\bFig|\bEq|\bvs|\bapprox|\bNo|\bSec|"
                         r"\bcf|\bresp)\.$")


@dataclass
class _Item:
    fig: Figure
    order: int
    table: bool
    cost_table: bool = False  # a row that also gives costs: the model's primary disclosure


@dataclass
class _Slot:
    name: str
    kind: str
    items: list[_Item] = field(default_factory=list)
    acc: Counter = field(default_factory=Counter)


class _Slots(dict):
    def get_slot(self, name: str, kind: str) -> _Slot:
        key = ("A:" if kind == "aggregate" else "M:") + canon(name)
        if key not in self:
            self[key] = _Slot(name, kind)
        return self[key]


def _accelerator_test():
    from audit.assumptions import find_accelerator

    def is_acc(text: str) -> bool:
        return len(text) < 30 and find_accelerator(text) is not None

    return is_acc, find_accelerator


def _models(rows: list[RowResult], passages: list[Passage], title: str | None,
            is_acc, fallback: str) -> Models:  # noqa: ANN001
    """The report's main model, family, and whether it is about several models."""
    main, plural = main_model(title, [p.text for p in passages[:4]], is_acc)
    cost_rows = [r for r in rows if r.kind == "model" and r.name and any(
        f.field in COST_FIELDS for f in r.figures)]
    family = family_of(main) if main else None

    def row_label(r: RowResult) -> str:
        label = re.sub(r"\s*\(.*?\)\s*", " ", r.name).strip()
        if SIZE_RE.fullmatch(label) and family:
            return f"{family} {label}"  # Gemma 3's "1B" row
        return label

    names = [row_label(r) for r in cost_rows]
    distinct = {canon(n): n for n in names}.values()  # one model on two rows counts once
    fams = Counter(family_of(n) for n in distinct if size_token(n))
    multi = plural
    if fams:
        fam, n = fams.most_common(1)[0]
        if n >= 2:  # two rows of one family (or of bare sizes: "8B", "70B")
            multi = True
            if not main or canon(fam) == canon(family or "") or not canon(main).startswith(
                    canon(fam)):
                family = fam  # the table's spelling of the family ("Granite 3.0")
    models = Models(main=main, family=family, multi=multi, is_accelerator=is_acc)
    if fams and not main:
        models.main = family or None
    if not models.main and not models.multi:
        models.main = fallback  # a report that names no model is about its own model
    for r, n in zip(cost_rows, names, strict=True):
        if r.size and not size_token(n) and main and canon(main).startswith(canon(n)):
            continue  # "VibeThinker" with Size 1.5B is the main model, VibeThinker-1.5B
        models.add(n, r.size)
    models.main = _sized_main(models, passages)
    if models.main:
        models.add(models.main)
    if not multi:
        models.multi = _speaks_of_models(passages)
    return models


def _sized_main(models: Models, passages: list[Passage]) -> str | None:
    """``SmolLM2`` -> ``SmolLM2-1.7B`` when page one gives its size and the text uses that
    spelling; else the main model unchanged."""
    main = models.main
    if not main or size_token(main) or models.multi:
        return main
    first = [p for p in passages if p.page in (None, 1)][:3]
    for p in first:
        for s in sentences(p):
            for h in sentence_figures(s):
                if h.field != "n_parameters":
                    continue
                size = _size_text(h.value)
                spelt = re.compile(re.escape(main) + r"[- ]" + re.escape(size) + r"\b")
                for q in passages:
                    m = spelt.search(q.text)
                    if m:
                        return m.group(0)
    return main


def _size_text(value: float) -> str:
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= div:
            return f"{value / div:g}{suf}"
    return f"{value:g}"


def _speaks_of_models(passages: list[Passage]) -> bool:
    """True when a sentence giving a cost speaks of several models (``our models``)."""
    for p in passages:
        for s in sentences(p):
            if _AGGREGATE_RE.search(s) and any(h.field in COST_FIELDS and h.bound != "upper"
                                               for h in sentence_figures(s)):
                return True
    return False


def _assemble(report_id: str, source: dict, tables: list[Table], passages: list[Passage],
              title: str | None) -> Disclosure:
    is_acc, find_accelerator = _accelerator_test()
    rows: list[RowResult] = []
    for t in tables:
        rows += interpret(t, is_acc)
    models = _models(rows, passages, title, is_acc, source.get("title") or report_id)
    slots = _Slots()
    warnings: list[Warning_] = []
    for r in rows:
        name, kind = models.row_name(r)
        s = slots.get_slot(name, kind)
        if kind == "model":
            models.add(name, r.size)
        cost = any(f.field in COST_FIELDS for f in r.figures)
        s.items += [_Item(f, r.order, True, cost) for f in r.figures]
        if r.accelerator_printed:
            s.acc[r.accelerator_printed] += 1
        warnings += checks.word_cells(name, r.words, passages)
        warnings += [Warning_(code, f"{name}: {msg}", model=name, field=fld)
                     for code, fld, msg in r.notes]
    doc_accs: Counter[str] = Counter()
    meta, meta_hardware, meta_location = _metadata(passages)
    dates = checks.training_dates(  # "Started 11th March, 2022 ... Estimated end: 5th July"
        [p for p in passages if p.section != "front matter"]
        + [Passage("\n".join(f"{r[0]}: {' '.join(r[1:])}" for r in t.rows if r), t.section,
                   t.page) for t in tables if not any(t.header)])
    meta += [dates] if dates else []
    if meta or meta_hardware:
        subject = slots.get_slot(*models.subject())
        subject.items += [_Item(f, 0, True) for f in meta]
        if meta_hardware:
            subject.acc[meta_hardware] += 1
    for p in passages:
        if p.section == "front matter":
            continue
        doc_accs.update(_prose(p, models, slots, warnings, find_accelerator))
    for s in slots.values():
        s.items = _dedupe(s, slots)
    _drop_unrelated_sizes(slots, models)
    out = []
    doc_acc = doc_accs.most_common(1)[0][0] if doc_accs else None
    variants = [a for a in doc_accs if doc_acc and a.startswith(doc_acc + "-")]
    if variants:  # "A100 GPU with 80GB" in the training sentence, "A100-80GB" elsewhere
        doc_acc = max(variants, key=lambda a: doc_accs[a])
    located = [p for p in passages if p.section != "front matter"] + checks.run_log_lines(tables)
    if meta_location:
        located.append(Passage(f"training location: {meta_location}", "front matter"))
    location = checks.run_location(located)
    precision = checks.training_precision(
        [p for p in passages if p.section != "front matter"], tables)
    for s in slots.values():
        figs = [i.fig for i in sorted(s.items, key=lambda i: i.order)]
        figs += checks.derived_hours(figs)
        if not figs:
            continue
        printed = s.acc.most_common(1)[0][0] if s.acc else None
        acc_id = find_accelerator(printed) if printed else doc_acc
        out.append(ModelDisclosure(name=s.name, kind=s.kind, figures=tuple(figs),
                                   accelerator=acc_id, accelerator_printed=printed,
                                   location=location, precision=precision))
    out = _restated_totals(checks.shared_table_power(out))
    warnings += checks.coordinate_warnings(located, location)
    warnings += models.notes
    warnings += checks.document_warnings(out, passages, tables)
    d = Disclosure(report_id=report_id, source=source, models=tuple(out),
                   warnings=tuple(_unique(warnings)))
    validate(d.to_dict(), "disclosure", where=source.get("file", report_id))
    return d


def _metadata(passages: list[Passage]) -> tuple[list[Figure], str | None, str | None]:
    """Hugging Face ``co2_eq_emissions`` metadata: the emissions (in grams, hub spec; YAML
    numbers may group digits with ``_``), with the hardware and location it names.

    Returns
    -------
    figures : list of Figure
        The emissions, and a chip count in ``hardware_used`` ("384 A100 80GB GPUs").
    hardware : str or None
        ``hardware_used``, when it names an accelerator.
    location : str or None
        ``geographical_location`` ("Orsay, France").
    """
    from audit.assumptions import find_accelerator

    out: list[Figure] = []
    hardware = location = None
    for p in passages:
        if p.section != "front matter" or "co2_eq_emissions" not in p.text:
            continue
        block = p.text.split("co2_eq_emissions", 1)[1]
        block = block[:m.start()] if (m := re.search(r"^\S", block[1:], re.M)) else block

        def key(name: str, block: str = block) -> str | None:
            k = re.search(rf"^\s*{name}\s*:\s*['\"]?(.+?)['\"]?\s*$", block, re.M)
            return k.group(1).strip() if k else None

        emissions, scope = key("emissions"), key("training_type")
        if emissions and re.fullmatch(r"[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][-+]?\d+)?",
                                      emissions):
            out.append(Figure(field="emissions", value=float(emissions.replace("_", "")),
                              unit="gCO2e", section="front matter",
                              locator="metadata co2_eq_emissions",
                              text=f"emissions: {emissions}", label="co2_eq_emissions.emissions",
                              scope=scope))
        hw = key("hardware_used")
        if hw and find_accelerator(hw):
            hardware = hw
            out += [Figure(field=h.field, value=h.value, unit=h.unit, bound=h.bound,
                           section="front matter", locator="metadata co2_eq_emissions",
                           text=f"hardware_used: {hw}", label="co2_eq_emissions.hardware_used")
                    for h in sentence_figures(hw) if h.field == "accelerator_count"]
        location = key("geographical_location") or location
    return out, hardware, location


def _unique(ws: list[Warning_]) -> list[Warning_]:
    seen, out = set(), []
    for w in ws:
        key = (w.code, w.model, w.field, w.message)
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def _prose(p: Passage, models: Models, slots: _Slots, warnings: list[Warning_],
           find_accelerator) -> Counter:  # noqa: ANN001
    """Read one passage's sentences into the slots; return the accelerators it names."""
    accs: Counter[str] = Counter()
    prev: tuple[str, str] | None = None
    before: list[str] = []  # sentences without figures since the last one with figures
    for k, sent in enumerate(sentences(p)):
        relevant = bool(_RELEVANT.search(sent))
        acc = find_accelerator(sent) if relevant and not _NOT_TRAINING.search(
            f"{p.section or ''} {sent}") else None
        if acc:  # a chip in a sentence about training outweighs one named in passing
            accs[acc] += 3 if re.search(r"\b(?:pre-?)?train(?:ed|ing)\b", sent, re.I) else 1
        hits = sentence_figures(sent) if relevant else []
        warnings += checks.sentence_warnings(sent, hits, p) if relevant else []
        steps = _tokens_from_steps(sent, p) if relevant and not any(
            h.field == "n_tokens" for h in hits) else None
        if steps is not None:  # "a batch of 3.15M tokens ... 150,000 steps": 472.5B tokens
            slots.get_slot(*models.subject()).items.append(_Item(steps, p.order + k, False))
        if not hits:
            before.append(sent)
            continue
        # the subject carried from before: the first model named by the latest sentence
        # without figures that names one (read only now: most sentences have no figures)
        for earlier in reversed(before):
            named = [m for m in models.mentions(earlier)
                     if m.kind in ("model", "foreign", "aggregate")]
            if named:
                prev = models.target(named[0])
                break
        before = []
        mentions = models.mentions(sent)
        fields = [h.field for h in hits]
        sentence_target = None
        prev_scope: str | None = None
        for i, h in enumerate(hits):
            same = [j for j, f in enumerate(fields) if f == h.field]
            m = pick(h.start, h.end, sent, mentions, i, same)
            if m is None and is_anaphor(sent) and prev is not None:
                tgt = prev
            elif m is False:
                tgt = models.subject()
            else:
                tgt = models.target(m)
            if tgt is None:
                warnings.append(Warning_(
                    "AMBIGUOUS_MODEL", f"{_where(p)}: {h.field}={h.value:g} {h.unit} is about "
                    f"{m.name}, not one of this report's models (no name and size say which); "
                    f"not attributed: {h.text!r}", field=h.field))
                continue
            sentence_target = tgt
            if h.field == "mfu" and h.value > 1:
                continue  # warned by checks.sentence_warnings
            if h.bound == "upper":
                warnings.append(Warning_(
                    "UPPER_BOUND_ONLY", f"{_where(p)}: {h.field} is only bounded: "
                    f"below {h.value:g} {h.unit} ({h.text!r}); kept as a bound, not a figure",
                    model=tgt[0], field=h.field))
                continue
            fig = _epochs(_figure(h, sent, hits, i, p, prev_scope), sent[h.end:])
            prev_scope = fig.scope
            if fig.status == "cited":
                warnings.append(Warning_(
                    "CITED_FIGURE", f"{_where(p)}: {h.field}={h.value:g} {h.unit} is quoted "
                    f"from another source ({h.text!r}); kept as cited, not used as an input",
                    model=tgt[0], field=h.field))
            if fig.field in SHARED_FIELDS and m is None and _shared(fig, p, slots):
                continue
            slots.get_slot(*tgt).items.append(_Item(fig, p.order + k, False))
        prev = sentence_target or prev
    return accs


def _where(p: Passage) -> str:
    return f"p. {p.page}" if p.page is not None else (p.section or "card")


def _figure(h: Hit, sent: str, hits: list[Hit], i: int, p: Passage,
            prev_scope: str | None) -> Figure:
    lo = hits[i - 1].end if i > 0 else 0
    before = sent[lo:h.start].lower()
    hi = hits[i + 1].start if i + 1 < len(hits) else len(sent)
    after = sent[h.end:hi].lower()
    basis = None
    if h.field in ("emissions", "carbon_intensity"):
        # a qualifier right after the figure ("55 tCO2e (location-based) and 0 tCO2e
        # market-based") is its own; else the words before it, else the sentence's
        tag = re.match(r"(?:\s*[A-Za-z₂2]{1,8}\b)?\s*[(,]?\s*(location|market)[- ]?based",
                       after)
        basis = tag.group(1) if tag else "market" if "market" in before else (
            "location" if "location" in before else
            checks.sentence_basis(sent) if len(hits) == 1 else None)
    scope = h.scope or (None if h.field in ("n_parameters", "n_active_parameters") else
                        checks.scope_near(before, after, prev_scope, sent))
    fld = "embodied_emissions" if h.field == "emissions" and "embodied" in before else h.field
    return Figure(field=fld, value=h.value, unit=h.unit, bound=h.bound, page=p.page,
                  section=p.section, locator="text", text=h.text, basis=basis, scope=scope,
                  status="cited" if h.cited else "reported")


_BATCH_RE = re.compile(r"\bbatch size of\s+(?P<n>(?:approximately |about |~)?\d[\d,.]*\s?"
                       r"(?-i:[KMB])?)\s*tokens\b", re.I)
_STEPS_RE = re.compile(r"(?<![\w.])(?P<n>\d[\d,]*(?:\.\d+)?\s?(?-i:[KM])?)\s+(?:training\s+)?"
                       r"(?:steps|iterations)\b", re.I)


def _tokens_from_steps(sent: str, p: Passage) -> Figure | None:
    """Tokens trained on, from a batch size in tokens and a step count in one sentence
    ("a batch size of approximately 3.15M tokens ... for a total of 150,000 steps", GPT-NeoX-
    20B: 472.5B tokens), derived and approximate; None without both."""
    b, st = _BATCH_RE.search(sent), _STEPS_RE.search(sent)
    if not (b and st and re.search(r"\btrain\w*", sent, re.I)):
        return None
    batch, steps = parse_number(b.group("n")), parse_number(st.group("n"))
    if batch is None or steps is None or batch.value < 1e4 or steps.value < 100:
        return None
    return Figure(field="n_tokens", value=batch.value * steps.value, unit="dimensionless",
                  bound="approximate", page=p.page, section=p.section, locator="text",
                  text=sent[:200], status="derived", method="tokens_from_batch_and_steps",
                  inputs=(f"batch {b.group('n').strip()} tokens",
                          f"{st.group('n').strip()} steps"))


_EPOCHS_RE = re.compile(r"^[^.;]{0,80}?\bfor\s+(\d+(?:\.\d+)?|two|three|four|five|six|"
                        r"eight|ten)\s+epochs?\b", re.I)


def _epochs(fig: Figure, after: str) -> Figure:
    """Tokens trained on for several epochs: "1 trillion tokens ... for 4 epochs" is 4T
    tokens seen (derived; 6ND counts every pass).  Other figures are returned unchanged."""
    m = _EPOCHS_RE.match(after) if fig.field == "n_tokens" and fig.value else None
    if m is None:
        return fig
    k = m.group(1).lower()
    epochs = float(SMALL_WORDS.get(k, k)) if not k[0].isdigit() else float(k)
    if epochs <= 1:
        return fig
    return dataclasses.replace(fig, value=fig.value * epochs, status="derived",
                               method="tokens_times_epochs",
                               inputs=(f"{fig.value:g} tokens", f"{epochs:g} epochs"))


def _shared(fig: Figure, p: Passage, slots: _Slots) -> bool:
    """A caption's PUE or grid factor goes to every row of the table(s) beside it."""
    rows_here = [s for s in slots.values() if s.kind == "model" and any(
        i.table and i.fig.page == p.page and i.fig.section == p.section for i in s.items)]
    if len(rows_here) < 2:
        return False
    for s in rows_here:
        s.items.append(_Item(fig, 0, False))
    return True


def _same(a: Figure, b: Figure) -> bool:
    if a.field != b.field or a.value is None or b.value is None:
        return False
    if a.basis and b.basis and a.basis != b.basis:
        return False
    try:
        va = a.quantity.to(b.unit).magnitude if a.unit != b.unit else a.value
    except Exception:  # noqa: BLE001 - units of another dimension are simply not the same
        return False
    if b.value == 0:
        return va == 0
    return abs(va - b.value) <= SAME_VALUE * abs(b.value)


def _restated_totals(models: list[ModelDisclosure]) -> list[ModelDisclosure]:
    """Move the prose figures of the document-level aggregate that restate a table's Total
    row (same field, basis and value, compatible scope) to that Total row: "a cumulative
    39.3M GPU-hours" under a table whose Total is 39.3M is the same aggregate, not a second
    one whose numbers a reader would add again.  So too a model known only from prose whose
    every figure restates the Total.  A prose total that differs stays where it was (and is
    warned about as PROSE_TABLE_MISMATCH)."""
    def restated(f: Figure, t: Figure) -> bool:
        return (f.locator == "text" and t.locator not in (None, "text")
                and t.status == "reported" and _same(f, t)
                and (f.scope is None or t.scope is None or f.scope == t.scope))

    totals = [m for m in models if m.kind == "aggregate" and not m.name.endswith("(document)")]
    moved: dict[str, list[Figure]] = {}
    out = []
    for m in models:
        document = m.kind == "aggregate" and m.name.endswith("(document)")
        # a model known only from prose, every figure of which restates the Total (Llama 4:
        # "a cumulative of 7.38M GPU hours" put on the card's title model) is that Total too
        prose_only = m.kind == "model" and totals and all(
            any(restated(f, x) for t in totals for x in t.figures) for f in m.figures)
        if not (document or prose_only):
            out.append(m)
            continue
        kept = []
        for f in m.figures:
            home = next((t for t in totals if any(restated(f, x) for x in t.figures)), None)
            if home is None:
                kept.append(f)
            else:
                moved.setdefault(home.name, []).append(f)
        if kept:
            out.append(dataclasses.replace(m, figures=tuple(kept)))
    return [dataclasses.replace(m, figures=(*m.figures, *moved[m.name])) if m.name in moved
            else m for m in out]


def _precedence(it: _Item) -> tuple:
    """Reading precedence: sizes by page (a card has none), then tables before prose."""
    if it.fig.field in SIZE_FIELDS:
        return (0, not it.cost_table, it.fig.page or 0, not it.table, it.order)
    return (1, 0, not it.table, it.order)


def _restates(it: _Item, k: _Item) -> bool:
    """True when ``it`` repeats ``k`` (same field and value), which comes first."""
    if not _same(it.fig, k.fig):
        return False
    if it.fig.field in SIZE_FIELDS or not it.table and not k.table or it.table and k.table:
        return True
    if not it.table and k.table:  # prose after a table: a restatement, unless on an earlier page
        return not (it.fig.page is not None and k.fig.page is not None
                    and it.fig.page < k.fig.page)
    return False


def _dedupe(s: _Slot, slots: _Slots) -> list[_Item]:
    """Drop restatements: repeated table cells, prose repeating a table or earlier prose."""
    kept: list[_Item] = []
    for it in sorted(s.items, key=_precedence):
        if not any(_restates(it, k) for k in kept):
            kept.append(it)
    kept = _nominal_sizes(s, kept)
    if s.kind == "aggregate":
        models = [o for o in slots.values() if o.kind == "model"]
        table_tokens = any(i.table and i.fig.field == "n_tokens" for m in models for i in m.items)
        kept = [it for it in kept if it.table or not (
            it.fig.field in ("n_parameters", "n_active_parameters")
            or it.fig.field == "n_tokens" and (table_tokens or any(
                _same(it.fig, o.fig) for m in models for o in m.items)))]
    return kept


def _nominal_sizes(s: _Slot, items: list[_Item]) -> list[_Item]:
    """A parameter count that only repeats the size in the model's name (``7B`` for
    LLaMA-7B) gives way to a measured one (``6.7B``)."""
    tok = size_token(s.name)
    nominal = size_value(tok) if tok else None
    params = [i for i in items if i.fig.field == "n_parameters" and i.fig.value]
    if not nominal or len(params) < 2:
        return items
    measured = [i for i in params if abs(i.fig.value - nominal) > SAME_VALUE * nominal
                and abs(i.fig.value - nominal) <= NOMINAL_SPREAD * nominal]
    if not measured:
        return items
    return [i for i in items if not (i in params and i not in measured)]


def _drop_unrelated_sizes(slots: _Slots, models: Models) -> None:
    """Sizes of models the report gives no cost for are related work, not disclosures."""
    main = canon(models.main or "#")
    family = canon(models.family or "#")
    for s in slots.values():
        if s.kind != "model" or canon(s.name) == main:
            continue
        if size_token(s.name) and canon(family_of(s.name)) == family:
            continue  # SmolLM2-360M beside SmolLM2-1.7B: the report's own smaller model
        if not any(i.fig.field not in SIZE_FIELDS for i in s.items):
            s.items = []


def extract_text(text: str, *, report_id: str = "text", file: str | None = None) -> Disclosure:
    """Extract figures from a text or Markdown report held in memory.

    Parameters
    ----------
    text : str
        The report (Markdown, or plain text with ``|``-separated tables).
    report_id : str
        Slug of the report (lower case, digits, ``.-_``).
    file : str, optional
        The file it came from, recorded in ``source``.

    Returns
    -------
    Disclosure

    Raises
    ------
    ExtractionError
        If an HTML table in the text cannot be parsed.
    SchemaError
        If ``report_id`` is not a valid slug.
    """
    tables, passages, title = read_card(text, where=file or report_id)
    source = {"title": title or report_id, "doc_type": "card" if file else "text"}
    if file:
        source["file"] = file
    return _assemble(report_id, source, tables, passages, title)


def cache_dir() -> Path | None:
    """Folder of the per-file extraction cache, or None when caching is off.

    ``FOOTPRINT_AUDIT_CACHE`` names the folder (``off`` or ``0`` disables it); the default is
    ``$XDG_CACHE_HOME/footprint-audit`` (``~/.cache/footprint-audit``).
    """
    env = os.environ.get("FOOTPRINT_AUDIT_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "false", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "footprint-audit"


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the extraction code and the accelerator aliases: a cached record is only
    reused by the code that made it."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for f in sorted(here.glob("*.py")):
        h.update(f.read_bytes())
    h.update((here.parent / "data" / "accelerators.csv").read_bytes())
    return h.hexdigest()[:16]


def _cache_path(sha: str, max_pages: int | None, prescan: bool, engine: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / (f"{sha}-{_code_fingerprint()}-{max_pages or 0}-{int(prescan)}-{engine}"
                     ".json")


def extract(path: str | Path, *, max_pages: int | None = None, prescan: bool = True,
            use_cache: bool = True, engine: str = "pdfium") -> Disclosure:
    """Extract a disclosure record from a report PDF or a Markdown model card.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.pdf`` report, or a ``.md`` / ``.txt`` model card.
    max_pages : int, optional
        Read at most this many PDF pages.
    prescan : bool
        PDFs: give the layout work only to pages whose text holds disclosure words
        (:func:`audit.extract.pdf.scan_pages`); False reads every page.
    engine : {"pdfium", "pdfplumber"}
        PDFs: where the words come from (:func:`audit.extract.pdf.read_pdf`): PDFium's text
        layer (fast, the default) or pdfplumber's (the slower reference).
    use_cache : bool
        Reuse the record extracted earlier from a file with the same sha256 by the same code
        (see :func:`cache_dir`); the cache is written atomically.

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
    cached = _cache_path(sha, max_pages, prescan, engine) if use_cache else None
    if cached is not None and cached.is_file():
        try:
            d = Disclosure.from_dict(json.loads(cached.read_text(encoding="utf-8")),
                                     where=str(cached))
            return dataclasses.replace(d, report_id=rid,
                                       source={**d.source, "file": str(p)})
        except (ValueError, OSError):
            pass  # a damaged cache entry is rebuilt below
    d = _extract_file(p, sha, rid, max_pages, prescan, engine)
    if cached is not None:
        try:
            write_atomic(cached, dump_json(d.to_dict()))
        except OSError:
            pass  # a read-only cache folder only costs speed
    return d


def _extract_file(p: Path, sha: str, rid: str, max_pages: int | None,
                  prescan: bool, engine: str) -> Disclosure:
    if p.suffix.lower() == ".pdf":
        from audit.extract.pdf import read_pdf

        tables, passages, title = read_pdf(p, max_pages=max_pages, prescan=prescan,
                                           engine=engine)
        source = {"title": title or p.stem, "file": str(p), "sha256": sha, "doc_type": "pdf"}
        return _assemble(rid, source, tables, passages, title)
    if p.suffix.lower() in CARD_SUFFIXES:
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ExtractionError(f"{p}: not UTF-8 text; save the card as UTF-8") from None
        tables, passages, title = read_card(text, where=str(p))
        source = {"title": title or p.stem, "file": str(p), "sha256": sha, "doc_type": "card"}
        return _assemble(rid, source, tables, passages, title)
    raise ExtractionError(f"{p}: unsupported file type {p.suffix!r}; give a .pdf or .md file")


__all__ = ["extract", "extract_text", "norm_name", "report_id_for", "sentences"]
