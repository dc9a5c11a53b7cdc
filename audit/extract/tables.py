"""Interpret a table (from a PDF page or a model card) as figures attributed to model rows.

A table is a header row and body rows of cells.  Column headers are classified with
:func:`audit.extract.figures.classify_label`; the first column names the model (a ``Total``
row is an aggregate).  A table whose row labels name fields and whose columns name stages
(DeepSeek-V3's Table 1: rows "in H800 GPU Hours" / "in USD", columns Pre-Training ... Total)
is read transposed and attributed to the report's main model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.extract.figures import Label, classify_label, clean_cell, is_numeric_cell, parse_number
from audit.records import Figure

_TOTAL_RE = re.compile(r"^(?:grand\s+)?total\b|\btotal$", re.I)
_SIZE_RE = re.compile(r"\b\d+(?:\.\d+)?[BMK](?:-A?\d+[BM])?\b")
_CELL_UNIT_RE = re.compile(r"(MWh|kWh|GWh|kW|W)\s*$")
_STAGE_RE = re.compile(r"pre-?training|post-?training|context\s*extension|fine-?tuning|total|"
                       r"\brl\b|sft", re.I)


def normalise_scope(text: str) -> str:
    """``Pre-Training`` -> ``pretraining``, ``Post-Training`` -> ``post-training``..."""
    t = re.sub(r"\s+", " ", text.lower()).replace("pre-training", "pretraining")
    return t.replace("posttraining", "post-training").replace("fine-tuning", "fine-tuning")


@dataclass
class Table:
    """Cells of one table with where it was found."""

    header: list[str]
    rows: list[list[str]]
    page: int | None = None
    section: str | None = None
    locator: str = "table"


@dataclass
class RowResult:
    """Figures read from one table row."""

    name: str
    kind: str
    figures: list[Figure] = field(default_factory=list)
    accelerator_printed: str | None = None


def _figure(label: Label, cell: str, table: Table, row_name: str, header: str,
            row_text: str) -> Figure | None:
    c = clean_cell(cell)
    if not c or c in {"-", "–", "—", "n/a", "N/A"}:
        return None
    if not is_numeric_cell(c):
        return None
    num = parse_number(c)
    if num is None:
        return None
    unit = label.unit
    m = _CELL_UNIT_RE.search(c)
    if m:
        unit = m.group(1)
    if unit is None:
        return None
    field_name = label.field
    if field_name == "accelerator_hours" and num.value == 0:
        return None  # a zero in a GPU-hours column is "none", not a disclosure
    if field_name == "energy" and unit == "W":
        return None
    return Figure(field=field_name, value=num.value, unit=unit, bound=num.bound,
                  page=table.page, section=table.section,
                  locator=f"{table.locator}, row {row_name}", text=row_text,
                  label=header or None, basis=label.basis, scope=label.scope)


def interpret(table: Table, main_model: str | None, is_accelerator) -> list[RowResult]:
    """Read a table's figures, attributed to its rows.

    Parameters
    ----------
    table : Table
        Header and rows.
    main_model : str or None
        The report's main model, for transposed tables whose rows are fields.
    is_accelerator : callable
        ``is_accelerator(text) -> bool``; marks cells that name an accelerator.

    Returns
    -------
    list of RowResult
    """
    header = [clean_cell(h) for h in table.header]
    labels = [classify_label(h) if h else None for h in header]
    row_labels = [clean_cell(r[0]) if r else "" for r in table.rows]
    row_fields = [classify_label(r) for r in row_labels]
    if (main_model and any(row_fields) and not any(labels[1:])
            and any(_STAGE_RE.search(h or "") for h in header[1:])):
        return _transposed(table, header, row_labels, row_fields, main_model)
    results: list[RowResult] = []
    params_col = next((j for j, lab in enumerate(labels)
                       if j > 0 and lab and lab.field == "n_parameters"), None)
    for row in table.rows:
        if not row or not any(labels[1:]):
            continue
        name = clean_cell(row[0])
        if not name or is_numeric_cell(name):
            continue
        if params_col is not None and params_col < len(row) and not _SIZE_RE.search(name):
            size = clean_cell(row[params_col])
            if _SIZE_RE.fullmatch(size.split(" ")[0]):
                family = re.sub(r"\s*\(.*?\)", "", name).strip()
                name = f"{family} {size.split(' ')[0]}"
        kind = "aggregate" if _TOTAL_RE.search(name) else "model"
        row_text = " | ".join(clean_cell(c) for c in row)
        res = RowResult(name=name, kind=kind)
        for j, cell in enumerate(row[1:], start=1):
            c = clean_cell(cell)
            if is_accelerator(c):
                res.accelerator_printed = c
            lab = labels[j] if j < len(labels) else None
            if lab is None:
                continue
            fig = _figure(lab, c, table, name, header[j], row_text)
            if fig is not None:
                res.figures.append(fig)
        if res.figures:
            results.append(res)
    return results


def _transposed(table: Table, header: list[str], row_labels: list[str],
                row_fields: list[Label | None], main_model: str) -> list[RowResult]:
    res = RowResult(name=main_model, kind="model")
    for row, name, lab in zip(table.rows, row_labels, row_fields, strict=True):
        if lab is None:
            continue
        row_text = " | ".join(clean_cell(c) for c in row)
        for j, cell in enumerate(row[1:], start=1):
            stage = header[j] if j < len(header) else ""
            scope = _STAGE_RE.search(stage)
            lab_j = Label(lab.field, lab.unit or ("USD" if "$" in cell else None), lab.basis,
                          normalise_scope(scope.group(0)) if scope else lab.scope)
            fig = _figure(lab_j, cell, table, f"{name} / {stage}".strip(" /"), name, row_text)
            if fig is not None:
                res.figures.append(fig)
    return [res] if res.figures else []
