"""Interpret a table (from a PDF page or a model card) as figures attributed to rows.

A table is a header row and body rows of cells.  Four shapes are read:

- **rows are models** (the usual cost table): column headers are classified with
  :func:`audit.extract.figures.classify_label`; the label column names the row's model (a
  ``Total`` row is an aggregate).  A ``Params`` / ``Size`` column gives the row model's size,
  so that ``Llama 3.2 (text only)`` with ``1B (1.23B)`` can be named ``Llama 3.2 1B``, and a
  table with no name column at all (LLaMA's Table 2, rows known only by ``6.7B``) can still
  be attributed;
- **rows are fields, columns are stages** (DeepSeek-V3's Table 1: rows "in H800 GPU Hours" /
  "in USD", columns Pre-Training ... Total): the report's own model, one scope per column;
- **rows are fields, columns are models** (Granite 3.0's Table 1 with a ``#Parameters`` row
  and one column per model size; DeepSeek-R1's benchmark table with ``# Total Params``): one
  result per column.  Rows that are not fields (benchmark scores) yield nothing, so a
  benchmark table yields only its size rows;
- **key-value tables** (two columns, a label and a value, e.g. the climate-performance card
  or a ``- **Hours used:** 200000`` list): the report's own model, the unit printed in the
  value cell (``24,690 kg``, ``57 gCO2eq/kWh``, ``118 days, 5 hours, 41 min``) deciding
  between fields where the label is loose.

A word in a field cell (``Negligible**``) is recorded as a word, not a figure, for the
caller to turn into an upper-bound warning; a dash is a missing value, never zero.  Names
are resolved against the rest of the document by :mod:`audit.extract.attribution`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from audit.extract.figures import (
    Label,
    classify_label,
    clean_cell,
    is_numeric_cell,
    parse_number,
    parse_value,
    rate_per_trillion_tokens,
    unit_of,
)
from audit.records import Figure

_TOTAL_RE = re.compile(r"^(?:grand\s+)?total\b|\btotal$", re.I)
SIZE_RE = re.compile(r"\b\d+(?:\.\d+)?[BMK](?:-A?\d+(?:\.\d+)?[BM])?\b")
_CELL_UNIT_RE = re.compile(r"(MWh|kWh|GWh|Wh|kW|W)\s*$")
STAGE_RE = re.compile(r"pre-?training|post-?training|context\s*(?:length\s*)?extension|"
                      r"fine-?tuning|\btotal\b|\brl\b|\bsft\b", re.I)
_HEADER_ROW_RE = re.compile(r"^(?:models?|model family|model name|name)$", re.I)
_MISSING = {"", "-", "–", "—", "n/a", "N/A", "na", "NA", "?", "nan"}
#: Above this many hours a "time" is accelerator-hours, not a wall-clock duration [hour]
#: (100,000 hours is 11 years of wall clock).
WALL_CLOCK_MAX_HOURS = 1e5


@dataclass
class Table:
    """Cells of one table with where it was found and its place in reading order."""

    header: list[str]
    rows: list[list[str]]
    page: int | None = None
    section: str | None = None
    locator: str = "table"
    order: int = 0
    context: str | None = None


@dataclass
class RowResult:
    """Figures read from one row (or one model column) of a table.

    ``kind`` is ``model`` (named by ``name`` and/or ``size``), ``aggregate`` (a Total row),
    ``main`` (the report's own model: a stage table or a key-value table).
    """

    name: str
    kind: str
    figures: list[Figure] = field(default_factory=list)
    accelerator_printed: str | None = None
    size: str | None = None
    words: list[tuple[str, str, str | None]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, field, message)
    order: int = 0
    context: str | None = None


def normalise_scope(text: str) -> str:
    """``Pre-Training`` -> ``pretraining``, ``Post-Training`` -> ``post-training``..."""
    t = re.sub(r"\s+", " ", text.lower()).replace("pre-training", "pretraining")
    t = t.replace("context length extension", "context extension")
    return t.replace("posttraining", "post-training")


def _size_of(cell: str) -> str | None:
    """The size token of a Params/Size cell: ``1B (1.23B)`` -> ``1B``."""
    m = SIZE_RE.search(clean_cell(cell))
    return m.group(0) if m else None


_SIZE_CELL_RE = re.compile(r"^(?:up to|over|about|around|approximately|~|more than|less than|"
                           r"at least)?\s*(?P<n>\d[\d,.]*\s?[kKMBT]\+?)\s*"
                           r"(?:tokens?|param(?:eter)?s?)?$", re.I)


def _flop(value: float, unit: str) -> float:
    """``value`` [unit] in FLOP (inf when the unit does not convert: left to the checks)."""
    from audit.units import UnitError, quantity

    try:
        return float(quantity(value, unit).to("FLOP").magnitude)
    except (UnitError, ValueError, TypeError):
        return float("inf")


def _figure(label: Label, cell: str, table: Table, row_name: str, header: str,
            row_text: str) -> Figure | None:
    c = clean_cell(cell)
    size_cell = label.field in ("n_parameters", "n_active_parameters", "n_tokens") and (
        _SIZE_CELL_RE.match(c))
    if c in _MISSING or not (is_numeric_cell(c) or size_cell):
        return None
    num = parse_number(c)
    if num is None:
        return None
    value = num.value
    inner = re.search(r"\((\d+(?:\.\d+)?[BMKT])\)", c)  # "1B (1.23B)": the precise value
    if inner and label.field in ("n_parameters", "n_active_parameters", "n_tokens"):
        value = parse_number(inner.group(1)).value
    unit = label.unit
    m = _CELL_UNIT_RE.search(c)
    if m:
        unit = m.group(1)
    if unit is None:
        return None
    field_name = label.field
    if unit in ("Wh", "kWh", "MWh", "GWh") and field_name == "accelerator_power":
        field_name = "energy"  # "Power consumption" printed in MWh is an energy
    if field_name == "accelerator_hours" and value == 0:
        return None  # a zero in a GPU-hours column is "none", not a disclosure
    if field_name == "energy" and unit in ("W", "kW"):
        return None
    if field_name == "training_compute" and _flop(value, unit) < 1e15:
        return None  # "3.1 x 10^-2" in a FLOP column is a loss or a rate, not a training run
    status, method, inputs = "reported", None, ()
    if label.per_tokens and label.per_tokens != 1e12:
        # a rate per 300B tokens: the per-trillion rate is derived from it
        inputs = (f"{c} {header}",)
        value = rate_per_trillion_tokens(value, label.per_tokens)
        status, method = "derived", "rate_per_trillion_tokens"
    return Figure(field=field_name, value=value, unit=unit, bound=num.bound,
                  page=table.page, section=table.section,
                  locator=f"{table.locator}, row {row_name}", text=row_text,
                  label=header or None, basis=label.basis, scope=label.scope,
                  status=status, method=method, inputs=inputs)


def _word_cell(lab: Label, cell: str) -> bool:
    c = clean_cell(cell)
    return bool(c) and c not in _MISSING and not re.search(r"\d", c) and bool(
        re.match(r"^[A-Za-z]", c)) and lab.field in ("emissions", "energy", "accelerator_hours")


def _label_column(table: Table) -> int:
    """The leftmost column whose cells are mostly text: it names the rows (-1: none does,
    the rows are known only by a size column, as in LLaMA's Table 2)."""
    ncols = max((len(r) for r in table.rows), default=0)
    for j in range(min(ncols, 3)):
        cells = [clean_cell(r[j]) for r in table.rows if j < len(r)]
        filled = [c for c in cells if c]
        text = [c for c in filled if not is_numeric_cell(c) or SIZE_RE.fullmatch(c)]
        if filled and len(text) >= 0.5 * len(filled) and len(filled) >= 0.5 * len(cells):
            if j == 0 and all(SIZE_RE.fullmatch(c) for c in filled) and classify_label(
                    table.header[0] or ""):
                return -1  # a size column headed "params": values, not names
            return j
    return 0


def interpret(table: Table, is_accelerator) -> list[RowResult]:
    """Read a table's figures, attributed to its rows (or model columns).

    Parameters
    ----------
    table : Table
        Header and rows.
    is_accelerator : callable
        ``is_accelerator(text) -> bool``; marks cells that name an accelerator.

    Returns
    -------
    list of RowResult
        Names as printed; the caller resolves them (:mod:`audit.extract.attribution`).
    """
    header = [clean_cell(h) for h in table.header]
    rows = table.rows
    if rows and not any(classify_label(h) for h in header[1:] if h) and _HEADER_ROW_RE.match(
            clean_cell(rows[0][0]) if rows[0] else ""):
        header, rows = [clean_cell(c) for c in rows[0]], rows[1:]  # the header sits in the body
    ncols = max([len(header)] + [len(r) for r in rows])
    header += [""] * (ncols - len(header))
    if ncols == 2 and not classify_label(header[1] or ""):
        return _key_value(table, [header] + rows if any(header) else rows)
    lc = _label_column(Table(header, rows))
    if lc == 0 and rows and classify_label(header[0] or "") and all(
            is_numeric_cell(clean_cell(r[0])) for r in rows if r):
        lc = -1  # no column names the rows: the first column is a figure (| Parameters | ...)
    labels = [classify_label(h) if h and j != lc else None for j, h in enumerate(header)]
    row_labels = [clean_cell(r[lc]) if 0 <= lc < len(r) else "" for r in rows]
    row_fields = [classify_label(r) for r in row_labels]
    if any(row_fields) and not any(lab for j, lab in enumerate(labels) if j > lc):
        return _transposed(table, header, rows, lc, row_fields)
    return _by_rows(table, header, rows, lc, labels, is_accelerator)


def _by_rows(table: Table, header: list[str], rows: list[list[str]], lc: int,
             labels: list[Label | None], is_accelerator) -> list[RowResult]:
    results: list[RowResult] = []
    size_col = next((j for j, lab in enumerate(labels)
                     if lab and lab.field == "n_parameters"), None)
    parts = [j for j, h in enumerate(header) if _PARAM_PART.search(h or "")]
    if not any(_NON_EMBEDDING.search(header[j]) for j in parts) or len(parts) < 2:
        parts = []
    if not any(labels) and not parts:
        return results
    for row in rows:
        if not row or _is_axis(row):
            continue
        name = clean_cell(row[lc]) if 0 <= lc < len(row) else ""
        size = _size_of(row[size_col]) if size_col is not None and size_col < len(row) else None
        unnamed = not name or is_numeric_cell(name) and not SIZE_RE.fullmatch(name)
        # one row of numbers under a header (| Parameters | Hidden Size | ... |): the report's
        # own model's architecture line
        single = unnamed and len(rows) == 1 and size_col is not None
        if unnamed and size is None and not single:
            continue
        if is_numeric_cell(name) and not SIZE_RE.fullmatch(name):
            name = ""
        kind = "aggregate" if _TOTAL_RE.search(name) else "model"
        if kind == "model" and (STAGE_RE.fullmatch(name.strip()) or single and size is None):
            kind = "main"  # a row per stage (Pre-training, Post-training) of the report's model
        row_text = " | ".join(clean_cell(c) for c in row)
        res = RowResult(name=name, kind=kind, size=size, order=table.order,
                        context=table.context)
        for j, cell in enumerate(row):
            c = clean_cell(cell)
            if j != lc and is_accelerator(c):
                res.accelerator_printed = c
            lab = labels[j] if j < len(labels) else None
            if lab is None or j == lc:
                continue
            if kind == "main":
                lab = Label(lab.field, lab.unit, lab.basis, normalise_scope(name), lab.per_tokens)
            fig = _figure(lab, c, table, name or size or "?", header[j], row_text)
            if fig is not None:
                res.figures.append(fig)
            elif _word_cell(lab, c):
                res.words.append((lab.field, c, lab.basis))
        if parts and not any(f.field == "n_parameters" for f in res.figures):
            res.figures += _parameter_sum(row, parts, header, table, name or size or "?",
                                          row_text)
        if res.figures or res.words:
            results.append(res)
    return results


# "Embedding Parameters" + "Non-embedding Parameters" columns (Gemma 3's Table 1): the
# model's parameter count is their sum; other components (a vision encoder) are left out
_PARAM_PART = re.compile(r"\b(?:non[- ]?)?embedding\s+param", re.I)
_NON_EMBEDDING = re.compile(r"\bnon[- ]?embedding\s+param", re.I)


def _parameter_sum(row: list[str], parts: list[int], header: list[str], table: Table,
                   name: str, row_text: str) -> list[Figure]:
    """n_parameters = embedding + non-embedding parameters of one row (derived), when every
    part is a number; the vision encoder or another component is not part of the language
    model's N in 6ND (Gemma 3 keeps its encoder frozen)."""
    values, inputs = [], []
    for j in parts:
        c = clean_cell(row[j]) if j < len(row) else ""
        num = parse_number(c) if c and is_numeric_cell(c) else None
        if num is None or not num.suffixed:
            return []
        values.append(num.value)
        inputs.append(f"{header[j]}: {c}")
    return [Figure(field="n_parameters", value=float(sum(values)), unit="dimensionless",
                   page=table.page, section=table.section,
                   locator=f"{table.locator}, row {name}", text=row_text,
                   label=" + ".join(header[j] for j in parts), status="derived",
                   method="n_parameters_from_components", inputs=tuple(inputs))]


def _is_axis(row: list[str]) -> bool:
    """Tick labels of a plot read as a row: 0, 50, 100, 150 ..."""
    nums = [parse_number(clean_cell(c)) for c in row if is_numeric_cell(clean_cell(c))]
    vals = [n.value for n in nums if n is not None]
    if len(vals) < 4 or vals[0] != 0:
        return False
    steps = {round(b - a, 9) for a, b in zip(vals, vals[1:], strict=False)}
    return len(steps) == 1 and steps.pop() > 0


def _transposed(table: Table, header: list[str], rows: list[list[str]], lc: int,
                row_fields: list[Label | None]) -> list[RowResult]:
    """Rows are fields; each column is a stage of the report's model or a model.  A
    ``Parameters`` row names its column's model when the header gives only the family."""
    by_col: dict[int, RowResult] = {}
    sizes: dict[int, str] = {}
    for row, lab in zip(rows, row_fields, strict=True):
        if lab is not None and lab.field == "n_parameters":
            for j, cell in enumerate(row):
                if j > lc and _size_of(cell):
                    sizes.setdefault(j, _size_of(cell))
    for row, lab in zip(rows, row_fields, strict=True):
        if lab is None:
            continue
        name = clean_cell(row[lc])
        row_text = " | ".join(clean_cell(c) for c in row)
        for j, cell in enumerate(row):
            if j <= lc:
                continue
            col = header[j] if j < len(header) else ""
            stage = STAGE_RE.search(col)
            if stage:
                lab_j = Label(lab.field, lab.unit or ("USD" if "$" in cell else None), lab.basis,
                              normalise_scope(stage.group(0)), lab.per_tokens)
            else:
                if not col or col.startswith("#") or re.fullmatch(r"[\d\s.-]*", col):
                    continue
                lab_j = lab
            fig = _figure(lab_j, cell, table, f"{name} / {col}".strip(" /"), name, row_text)
            if fig is None:
                continue
            if j not in by_col:
                by_col[j] = RowResult(name="" if stage else col, kind="main" if stage
                                      else "model", order=table.order, context=table.context,
                                      size=None if stage else sizes.get(j))
            by_col[j].figures.append(fig)
    return list(by_col.values())


_HARDWARE_LABEL = re.compile(r"hardware|accelerator|\bgpus?\b|\btpus?\b|device|chip|compute",
                             re.I)
_NOT_TRAINING_LABEL = re.compile(r"inference|serving|deploy|tested|evaluat|recommended|"
                                 r"minimum|requirement", re.I)


def _key_value(table: Table, rows: list[list[str]]) -> list[RowResult]:
    """Two-column tables and ``**Label:** value`` lists: label, value of the report's model."""
    from audit.assumptions import find_accelerator
    from audit.extract.prose import sentence_figures

    res = RowResult(name="", kind="main", order=table.order, context=table.context)
    hardware: list[str] = []
    for row in rows:
        if len(row) < 2:
            continue
        label, value_cell = clean_cell(row[0]), clean_cell(row[1])
        label = re.sub(r"^\d+\.\s*", "", label)  # numbered questions
        row_text = f"{label}: {value_cell}"
        lab = classify_label(label)
        val = parse_value(value_cell)
        if value_cell and _HARDWARE_LABEL.search(label) and not \
                _NOT_TRAINING_LABEL.search(label) and find_accelerator(value_cell):
            hardware.append(value_cell)  # "Hardware Type: A100 PCIe 40GB", "GPUs: 512 H100-80G"
        fig = _kv_figure(lab, val, table, label, row_text) if lab and val else None
        if fig is not None:
            res.figures.append(fig)
            if fig.field == "energy" and re.search(r"\((?:k|M)?W\)", label):
                res.notes.append(("UNIT_LABEL_POWER_FOR_ENERGY", "energy", (
                    f"{label!r} labels an energy with a power unit; {value_cell} read as "
                    f"{fig.unit} (the quantity is energy consumed)")))
            continue
        if lab is None and value_cell:
            # "Hardware: 16 A100-40G GPUs", "32 x 8 x A100 GPUs": a count in the value;
            # "Compute Region: France (57g CO2eq/kWh)": the grid's intensity in the value
            for h in sentence_figures(value_cell):
                if h.field in ("accelerator_count", "carbon_intensity", "achieved_throughput"):
                    res.figures.append(Figure(
                        field=h.field, value=h.value, unit=h.unit, bound=h.bound,
                        page=table.page, section=table.section,
                        locator=f"{table.locator}, row {label}", text=row_text, label=label))
    if hardware:  # the most specific name: "A100 PCIe 40GB" before "32 x 8 x A100 GPUs"
        res.accelerator_printed = max(hardware, key=lambda v: len(find_accelerator(v) or ""))
    res.figures = _wall_clock_hours(res.figures)
    return [res] if res.figures or res.accelerator_printed else []


def _wall_clock_hours(figs: list[Figure]) -> list[Figure]:
    """A list's "Hours used: 350 hours" beside "Hardware Type: 128 A100 GPUs" is the wall
    clock: as GPU-hours it would be under a day per chip (2.7 h each), no training run.  Such
    hours become ``training_duration`` (IDEFICS's card; Stable Diffusion's 150,000 hours on
    256 GPUs stay GPU-hours: 24 days each)."""
    counts = [f.value for f in figs if f.field == "accelerator_count" and f.value]
    if len(counts) != 1:
        return figs
    return [replace(f, field="training_duration") if f.field == "accelerator_hours"
            and f.unit == "hour" and f.value < 24 * counts[0] else f for f in figs]


def _kv_figure(lab: Label, val, table: Table, label: str, row_text: str) -> Figure | None:  # noqa: ANN001
    """One key-value row as a figure; a unit in the label's parentheses applies to the value
    (``duration (s)``, ``emissions (kg)``), and a power unit on an energy (``energy_consumed
    (kW)``, a tracker's mislabel) is read as the energy unit it must be (kWh)."""
    field_name, unit = lab.field, val.unit or lab.unit
    paren = re.search(r"\(([^()]{1,12})\)\s*$", label)
    if val.unit is None and paren:
        u = {"s": "s", "sec": "s", "h": "hour", "hours": "hour", "min": "min"}.get(
            paren.group(1).strip().lower()) or unit_of(paren.group(1))
        if u in ("W", "kW", "MW") and field_name == "energy":
            u = u + "h"
        if u:
            val = type(val)(val.value, u, val.bound, val.text)
            unit = u
    if unit == "percent":
        return None
    if re.match(r"[\d,.\s]*(?:[kKM]\s*)?(?:CPU|core)", val.text):
        return None  # "460,000 CPU hours, 385,000 V100 GPU hours": CPU time is no GPU time
    if field_name == "accelerator_hours" and val.unit == "hour" and (m := re.search(
            r"\(\s*(\d+(?:\.\d+)?)\s*days?\s*\)", val.text)) and abs(
            float(m.group(1)) * 24 - val.value) <= 0.05 * val.value:
        field_name = "training_duration"  # "672 hours (28 days)": the wall clock, restated
    if val.unit in ("hour", "day", "week", "month", "year", "min", "s"):
        hours = val.value * {"hour": 1, "day": 24, "week": 168, "month": 730.5, "year": 8766,
                             "min": 1 / 60, "s": 1 / 3600}[val.unit]
        if field_name == "training_duration" and hours > WALL_CLOCK_MAX_HOURS:
            field_name = "accelerator_hours"  # "3.46 million hours" cannot be wall clock
        elif field_name not in ("training_duration", "accelerator_hours"):
            return None
    elif val.unit:
        by_unit = {"W": "accelerator_power", "kW": "accelerator_power", "MW": "accelerator_power"}
        if "CO2e/" in val.unit:
            field_name = "carbon_intensity"
        elif "CO2e" in val.unit and field_name not in ("emissions",):
            return None
        elif val.unit in by_unit:
            field_name = by_unit[val.unit]
        elif val.unit.endswith("Wh") and field_name != "energy":
            return None
    if field_name == "emissions" and unit and unit[:1] in "gkt" and "CO2e" not in unit:
        unit = f"{unit}CO2e" if unit in ("g", "kg", "t") else unit
    if unit is None or not _plausible(field_name, val.value):
        return None
    return Figure(field=field_name, value=val.value, unit=unit, bound=val.bound,
                  page=table.page, section=table.section,
                  locator=f"{table.locator}, row {label}", text=row_text, label=label,
                  basis=lab.basis, scope=lab.scope)


#: below these a value is not that quantity of a training run (a lost scale word, "0 hours"),
#: in each field's registry unit: tokens and parameters [-], hours [hour], chips [-], FLOP
_FLOORS = {"n_tokens": 1e6, "n_parameters": 1e5, "n_active_parameters": 1e5,
           "accelerator_hours": 1e-9, "training_duration": 1e-9, "accelerator_count": 1,
           "training_compute": 1e15}


def _plausible(field_name: str, value: float) -> bool:
    return value >= _FLOORS.get(field_name, float("-inf"))


__all__ = ["RowResult", "SIZE_RE", "STAGE_RE", "Table", "interpret", "normalise_scope"]
