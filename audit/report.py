"""The audit sheet of one report, in Markdown and as a self-contained HTML page.

A sheet answers, per model: what did the run cost (GPU-hours, energy, location- and
market-based emissions, cost, training compute, each with its status and interval); what was
disclosed (every figure with its page or card section and the text matched); what was derived
(the formula and its inputs); what was assumed (the registry row and its source); which
assumption moves the carbon answer most and which missing disclosure would help most (where
:mod:`audit.sensitivity` and :mod:`audit.completeness` are installed); what looks
inconsistent; and whether the run crosses a compute threshold.

:func:`build_sheet` makes a list of blocks (headings, paragraphs, tables, lists, images);
:func:`to_markdown` and :func:`to_html` render the same blocks, so the two never disagree.
The HTML page has its style inline and its plots embedded as data URIs: it opens offline
from anywhere.  Nothing in a sheet depends on the clock, so a sheet is reproducible.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.pipeline import AuditResult
from audit.records import Figure, Footprint, Meter
from audit.tables import LEGEND, display_frame, exact, html_page, marker, sig

#: The formula of each meter function (DESIGN.md section 7); the function name is the method.
FORMULAS = {
    "compute_from_params_tokens": "training_compute = 6 × N × D",
    "compute_from_accelerator_hours":
        "training_compute = accelerator_hours × peak_throughput × mfu",
    "accelerator_hours_from_compute":
        "accelerator_hours = training_compute / (peak_throughput × mfu)",
    "accelerator_hours_from_count_duration":
        "accelerator_hours = accelerator_count × training_duration",
    "accelerator_hours_from_rate":
        "accelerator_hours = (GPU-hours per 10^12 tokens) × n_tokens / 10^12",
    "energy_from_accelerator_hours": "it_energy = accelerator_hours × accelerator_power",
    "facility_energy_from_it_energy": "facility_energy = it_energy × pue",
    "emissions_from_energy": "emissions = facility_energy × carbon_intensity",
    "cost_from_accelerator_hours": "cost = accelerator_hours × gpu_hour_price",
    "accelerator_power_from_tdp": "accelerator_power = tdp × tdp_fraction",
}
STATUS_WORDS = {"r": "reported", "d": "derived", "a": "depends on an assumption"}


@dataclass
class Block:
    """One element of a sheet: ``h1``-``h3``, ``p``, ``table``, ``ul`` or ``img``.

    Text may hold ``code`` spans in backticks; everything else is plain text.
    """

    kind: str
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    image: Path | None = None


@dataclass
class Sheet:
    """A titled list of blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, text: str = "", **kw: Any) -> None:
        self.blocks.append(Block(kind, text, **kw))


# --- building ------------------------------------------------------------------------------

def _unit(u: str) -> str:
    return {"": "", "dimensionless": "", "USD / h": "USD/h", "h": "hour"}.get(u, u)


def _figure_row(f: Figure) -> list[str]:
    bound = {"lower": ">= ", "upper": "<= ", "approximate": "~ "}.get(f.bound, "")
    extra = ", ".join(x for x in (f.basis and f"{f.basis}-based", f.scope,
                                  f.status == "cited" and "cited, not used") if x)
    value = ("(no number)" if f.value is None
             else f"{bound}{exact(f.value)} {_unit(f.unit)}".strip())
    text = " ".join((f.text or "").split())[:90]
    return [f.field, value, extra, f.where, text]


def _meter_row(name: str, mt: Meter) -> list[str]:
    interval = ("" if mt.low is None or mt.high is None or mt.low == mt.high
                else f"{sig(mt.low)} – {sig(mt.high)}")
    if mt.method:
        how = FORMULAS.get(mt.method, mt.method)
        how += f" (`{mt.method}`" + (f" of {', '.join(mt.inputs)})" if mt.inputs else ")")
    else:
        how = ", ".join(str(x) for x in (mt.page and f"p. {mt.page}", mt.section, mt.locator)
                        if x) or ("registry" if mt.status == "assumed" else "")
    value = exact(mt.value) if mt.status == "reported" else sig(mt.value, 4)
    basis = f" ({mt.basis}-based)" if mt.basis else ""
    return [name + basis, f"{value} {_unit(mt.unit)}".strip(), interval, marker(mt), how,
            ", ".join(f"`{a}`" for a in mt.assumptions)]


def _frame_block(df: Any) -> Block:
    headers = [str(c) for c in df.columns]
    rows = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]
    return Block("table", headers=headers, rows=rows)


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float):
        return sig(v, 3)
    return str(v)


def _headline(fp: Footprint, result: AuditResult) -> str:
    """One sentence: what the run emitted, and which assumption matters most."""
    em, mk = fp.meters.get("emissions"), fp.meters.get("emissions_market")
    parts = []
    if em is not None:
        rng = ("" if em.low is None or em.low == em.high
               else f", 5–95 % {sig(em.low, 2)}–{sig(em.high, 2)}")
        parts.append(f"emitted {sig(em.quantity.to('tCO2e').magnitude)} tCO2e "
                     f"location-based ({STATUS_WORDS[marker(em)]}{rng})")
    else:
        parts.append("emissions could not be estimated")
    if mk is not None:
        parts.append(f"{sig(mk.quantity.to('tCO2e').magnitude)} tCO2e market-based "
                     f"({STATUS_WORDS[marker(mk)]})")
    rows = result.sensitivity.get(fp.model)
    if rows:
        from audit.sensitivity import top_assumption

        top = top_assumption(rows)
        if top is not None:
            parts.append(f"the assumption that moves it most: {top.name} (`{top.assumption}`)")
    elif em is not None and em.assumptions:
        parts.append("it rests on " + ", ".join(f"`{a}`" for a in em.assumptions))
    comp = result.completeness.get(fp.model)
    if comp is not None:
        best = getattr(comp, "most_valuable", None)
        if best:
            parts.append(f"the most valuable missing disclosure: {best}")
    return f"{fp.model}: " + "; ".join(parts) + "."


def build_sheet(result: AuditResult, *, plots: dict[str, Path] | None = None) -> Sheet:
    """The audit sheet of one report.

    Parameters
    ----------
    result : AuditResult
        One audited report.
    plots : dict of str to pathlib.Path, optional
        ``{"tornado": path}``: the report's tornado plot (PNG), embedded in HTML and linked
        from Markdown.

    Returns
    -------
    Sheet
    """
    plots = plots or {}
    d = result.disclosure
    src = d.source
    sheet = Sheet(f"Audit: {src.get('title', d.report_id)}")
    sheet.add("h1", sheet.title)
    facts = [f"report `{d.report_id}`"]
    for key, label in (("authors", "by"), ("year", "year"), ("doc_type", "type"),
                       ("file", "file"), ("url", "url"), ("doi", "doi"), ("arxiv", "arXiv")):
        if src.get(key):
            facts.append(f"{label} `{src[key]}`" if key in ("file",) else f"{label} {src[key]}")
    if src.get("sha256"):
        facts.append(f"sha256 `{src['sha256']}`")
    sheet.add("p", "Source: " + "; ".join(facts) + ".")
    if src.get("citation"):
        sheet.add("p", f"Citation: {src['citation']}")

    fps = list(result.footprints)
    sheet.add("h2", "Summary")
    if fps:
        models = [fp for fp in fps if fp.kind == "model"] or fps
        sheet.add("ul", items=[_headline(fp, result) for fp in models])
        sheet.blocks.append(_frame_block(display_frame(fps, list(result.flags))))
        sheet.add("p", LEGEND)
    else:
        sheet.add("p", "No model rows with figures were found in this document.")

    _sensitivity_section(sheet, result, plots.get("tornado"))

    warnings = result.all_warnings()
    if warnings:
        sheet.add("h2", "Warnings")
        sheet.add("ul", items=[f"{w.code}" + (f" ({w.model})" if w.model else "")
                               + f": {w.message}" for w in warnings])

    by_model = {fp.model: fp for fp in fps}
    for m in d.models:
        fp = by_model.get(m.name)
        acc = f"; accelerator `{m.accelerator}`" if m.accelerator else ""
        printed = (f" (printed “{m.accelerator_printed}”)"
                   if m.accelerator_printed and m.accelerator_printed != m.accelerator else "")
        sheet.add("h2", f"{m.name}")
        sheet.add("p", f"Row kind: {m.kind}{acc}{printed}.")
        sheet.add("h3", "Reported figures")
        sheet.add("table", headers=["field", "value", "basis / scope", "where", "text matched"],
                  rows=[_figure_row(f) for f in m.figures])
        if fp is None:
            continue
        sheet.add("h3", "Meters")
        sheet.add("p", "r reported, d derived from reported figures, a depends on an "
                       "assumption; the route: " + " → ".join(fp.route or ("(none)",)) + ".")
        sheet.add("table", headers=["meter", "value", "5–95 %", "status", "formula or where",
                                    "assumptions"],
                  rows=[_meter_row(n, mt) for n, mt in fp.meters.items()])
        if fp.assumptions:
            sheet.add("h3", "Assumptions used")
            sheet.add("ul", items=[
                f"`{a['id']}`: {a['quantity']} = {a['value']:g} {_unit(a['unit'])} (range "
                f"{a['low']:g}–{a['high']:g}, {a['distribution']}"
                + (", your override" if a.get("override") else "")
                + f"); source: {a.get('source') or 'command line'}" for a in fp.assumptions])
        _checklist_blocks(sheet, result, fp)
        flags = [f for f in result.flags if f.model == m.name]
        if flags:
            sheet.add("h3", "Compute thresholds")
            sheet.add("table", headers=["regime", "threshold", "verdict", "estimate [FLOP]",
                                        "5-95 %", "P(exceed)", "method", "other methods"],
                      rows=[[f.regime, f"{f.threshold:.0e}", f.verdict,
                             sig(f.estimate) if f.estimate is not None else "-",
                             (f"{sig(f.estimate_low)} – {sig(f.estimate_high)}"
                              if f.estimate_low is not None else ""),
                             "" if f.p_exceed is None else f"{f.p_exceed:.2f}", f.method,
                             f.other_methods] for f in flags])
    seeds = sorted({(fp.samples, fp.seed) for fp in fps if fp.samples})
    sheet.add("p", "Made by footprint-audit" + (
        "; Monte Carlo " + ", ".join(f"{n:,} samples, seed {s}" for n, s in seeds)
        if seeds else "") + ".")
    return sheet


def _sensitivity_section(sheet: Sheet, result: AuditResult, tornado: Path | None) -> None:
    """Which assumption moves each model's answer most (when the ranking was computed)."""
    ranked = {m: rows for m, rows in result.sensitivity.items() if rows}
    if not ranked:
        return
    from audit.sensitivity import describe, sensitivity_frame

    sheet.add("h2", "Which assumption matters")
    sheet.add("p", "Sobol indices (S1 alone, ST with interactions; shares of the variance of "
                   "the meter's logarithm) and one-at-a-time swings over each assumption's "
                   "registry range; rank 1 moves the answer most.")
    sheet.add("ul", items=[f"{m}: {describe(rows)}" for m, rows in ranked.items()])
    if tornado is not None and any(r.meter == "emissions" for rs in ranked.values()
                                   for r in rs):
        sheet.add("img", "tornado: emissions at each assumption's low and high",
                  image=tornado)
    df = sensitivity_frame([r for rows in ranked.values() for r in rows])
    sheet.blocks.append(_frame_block(df.drop(columns=["report"])))


def _checklist_blocks(sheet: Sheet, result: AuditResult, fp: Footprint) -> None:
    """The disclosure checklist of one model (when assessed)."""
    comp = result.completeness.get(fp.model)
    if comp is None:
        return
    sheet.add("h3", "Disclosure checklist")
    best = getattr(comp, "most_valuable", None)
    score = getattr(comp, "score", None)
    line = f"Disclosed {score:.0%} of the items." if score is not None else ""
    if best:
        line += f" Most valuable missing disclosure: {best}"
        note = getattr(comp, "note", "")
        line += f" ({note})." if note else "."
    if line:
        sheet.add("p", line.strip())
    sheet.add("table", headers=["item", "status", "note"],
              rows=[[str(x) for x in item] for item in getattr(comp, "items", [])])


# --- rendering -----------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(sheet: Sheet, *, image_dir: str | Path | None = None) -> str:
    """Render a sheet as GitHub Markdown.

    Parameters
    ----------
    sheet : Sheet
    image_dir : str or pathlib.Path, optional
        Images are linked as ``image_dir/plots/<name>`` (relative to the sheet); default the
        image's own path.
    """
    out: list[str] = []
    for b in sheet.blocks:
        if b.kind in ("h1", "h2", "h3"):
            out += ["#" * int(b.kind[1]) + " " + b.text, ""]
        elif b.kind == "p":
            out += [b.text, ""]
        elif b.kind == "ul":
            out += [f"- {i}" for i in b.items] + [""]
        elif b.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            out.append("")
        elif b.kind == "img" and b.image is not None:
            ref = (f"{image_dir}/{b.image.parent.name}/{b.image.name}" if image_dir is not None
                   else str(b.image))
            out += [f"![{b.text}]({ref})", ""]
    return "\n".join(out).rstrip("\n") + "\n"


_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    return _CODE.sub(r"<code>\1</code>", html.escape(str(text), quote=False))


def _html_table(b: Block) -> str:
    status_col = b.headers.index("status") if "status" in b.headers else -1
    head = "".join(f"<th>{_inline(h)}</th>" for h in b.headers)
    rows = []
    for r in b.rows:
        cells = []
        for k, c in enumerate(r):
            cls = f' class="status-{c}"' if k == status_col and c in STATUS_WORDS else ""
            title = f' title="{STATUS_WORDS[c]}"' if cls else ""
            cells.append(f"<td{cls}{title}>{_inline(c)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>\n")


def to_html(sheet: Sheet) -> str:
    """Render a sheet as a self-contained HTML page (plots embedded as PNG data URIs)."""
    out: list[str] = []
    for b in sheet.blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append(f"<{b.kind}>{_inline(b.text)}</{b.kind}>\n")
        elif b.kind == "p":
            out.append(f"<p>{_inline(b.text)}</p>\n")
        elif b.kind == "ul":
            out.append("<ul>\n" + "".join(f"<li>{_inline(i)}</li>\n" for i in b.items)
                       + "</ul>\n")
        elif b.kind == "table":
            out.append(_html_table(b))
        elif b.kind == "img" and b.image is not None and b.image.is_file():
            data = base64.b64encode(b.image.read_bytes()).decode("ascii")
            out.append(f'<figure><img alt="{html.escape(b.text)}" '
                       f'src="data:image/png;base64,{data}"></figure>\n')
    return html_page(sheet.title, "".join(out))


def audit_text(result: AuditResult) -> str:
    """The Markdown audit sheet of one report (what ``footprint-audit audit`` prints)."""
    return to_markdown(build_sheet(result))


def audit_html(result: AuditResult) -> str:
    """The HTML audit sheet of one report."""
    return to_html(build_sheet(result))


__all__ = ["build_sheet", "to_markdown", "to_html", "html_page", "audit_text", "audit_html",
           "Sheet", "Block", "FORMULAS"]
