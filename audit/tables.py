"""Comparison tables across audited reports (pandas DataFrames, rendered with tabulate).

One row per model; for each meter its value in a readable unit, its 5-95 % interval and a
status marker: ``r`` reported, ``d`` derived from reported figures only, ``a`` derived with
at least one assumption (or assumed).  Location- and market-based emissions are separate
columns; threshold verdicts follow.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from audit.records import Flag, Footprint, Meter
from audit.units import Q_

# meter -> (column title, display unit)
METERS: dict[str, tuple[str, str]] = {
    "accelerator_hours": ("GPU-hours", "hour"),
    "facility_energy": ("energy (facility)", "MWh"),
    "emissions": ("emissions, location-based", "tCO2e"),
    "emissions_market": ("emissions, market-based", "tCO2e"),
    "cost": ("cost", "USD"),
    "training_compute": ("training compute", "FLOP"),
}
MARKERS = {"reported": "r", "derived": "d", "assumed": "a"}
LEGEND = ("r = reported; d = derived from reported figures; a = depends on an assumption "
          "(see the audit sheet for its source); [low–high] = 5-95 % interval")


def marker(m: Meter) -> str:
    """Status marker of a meter: r, d or a."""
    if m.status == "derived" and m.assumptions:
        return "a"
    return MARKERS[m.status]


def sig(x: float | None, digits: int = 3) -> str:
    """A number to ``digits`` significant figures, with thousands separators below 1e9.

    Examples
    --------
    >>> sig(31168831.168831)
    '31,200,000'
    >>> sig(3.645e25)
    '3.65e+25'
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if abs(x) >= 1e9 or abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}"
    rounded = round(x, digits - 1 - mag)
    if mag >= digits - 1:
        return f"{int(rounded):,}"
    return f"{rounded:,.{max(0, digits - 1 - mag)}f}"


def exact(x: float | None) -> str:
    """A value as printed: integers in full with separators, others to 6 significant
    figures (``1022362`` -> ``1,022,362``; ``0.385`` -> ``0.385``)."""
    if x is None:
        return ""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


def _convert(m: Meter, unit: str) -> tuple[float, float | None, float | None]:
    k = float(Q_(1.0, m.unit).to(unit).magnitude)
    return (m.value * k, None if m.low is None else m.low * k,
            None if m.high is None else m.high * k)


def comparison_frame(footprints: list[Footprint], flags: list[Flag]) -> pd.DataFrame:
    """Machine-readable comparison: one row per model, numeric columns per meter.

    Columns: report_id, model, kind, accelerator, then for each meter ``<meter>``,
    ``<meter>_low``, ``<meter>_high``, ``<meter>_unit``, ``<meter>_status``, then one
    ``verdict_<regime>`` column per threshold regime.
    """
    verdicts: dict[tuple[str, str], dict[str, str]] = {}
    for f in flags:
        verdicts.setdefault((f.report_id, f.model), {})[f"verdict_{f.regime}"] = f.verdict
    rows = []
    for fp in footprints:
        row: dict[str, Any] = {"report_id": fp.report_id, "model": fp.model, "kind": fp.kind,
                               "accelerator": fp.accelerator or ""}
        for key, (_, unit) in METERS.items():
            m = fp.meters.get(key)
            if m is None:
                row.update({key: None, f"{key}_low": None, f"{key}_high": None,
                            f"{key}_unit": unit, f"{key}_status": "missing"})
                continue
            v, lo, hi = _convert(m, unit)
            row.update({key: v, f"{key}_low": lo, f"{key}_high": hi, f"{key}_unit": unit,
                        f"{key}_status": "assumed" if marker(m) == "a" else m.status})
        row.update(verdicts.get((fp.report_id, fp.model), {}))
        rows.append(row)
    if not rows:  # keep the header: a run where every file failed still has a table
        return pd.DataFrame(columns=["report_id", "model", "kind", "accelerator"] + [
            f"{k}{s}" for k in METERS for s in ("", "_low", "_high", "_unit", "_status")])
    return pd.DataFrame(rows)


def display_frame(footprints: list[Footprint], flags: list[Flag]) -> pd.DataFrame:
    """Human-readable comparison: formatted values with intervals, markers and verdicts.

    Each meter cell reads ``value (marker) [low–high]``: three significant figures, the
    status marker (r, d, a) and the 5-95 % interval where it is not a single value.
    Location- and market-based emissions are side by side; the last column lists the
    threshold verdicts (with P(exceed) where uncertain).
    """
    verdicts: dict[tuple[str, str], list[str]] = {}
    for f in flags:
        if f.verdict != "unknown":
            p = (f" (P={f.p_exceed:.2f})" if f.verdict == "uncertain" and f.p_exceed is not None
                 else "")
            verdicts.setdefault((f.report_id, f.model), []).append(
                f"{f.regime}: {f.verdict}{p}")
    columns = ["report", "model"] + [f"{t} [{u}]" for t, u in METERS.values()] + ["thresholds"]
    rows = []
    for fp in footprints:
        row = {"report": fp.report_id, "model": fp.model}
        for key, (title, unit) in METERS.items():
            m = fp.meters.get(key)
            if m is None:
                row[f"{title} [{unit}]"] = "-"
                continue
            v, lo, hi = _convert(m, unit)
            cell = f"{sig(v)} ({marker(m)})"
            if lo is not None and hi is not None and not math.isclose(lo, hi, rel_tol=1e-9):
                cell += f" [{sig(lo, 2)}–{sig(hi, 2)}]"
            row[f"{title} [{unit}]"] = cell
        row["thresholds"] = "; ".join(verdicts.get((fp.report_id, fp.model), [])) or "-"
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def render(df: pd.DataFrame, fmt: str, *, title: str = "footprint-audit") -> str:
    """Render a frame as ``md``, ``csv``, ``html``, ``tex`` or ``json`` text.

    Parameters
    ----------
    df : pandas.DataFrame
        A :func:`display_frame` (md, html, tex) or :func:`comparison_frame` (csv, json).
    fmt : str
        ``md`` (GitHub table and legend), ``csv``, ``html`` (a self-contained page),
        ``tex`` (a booktabs ``tabular``), ``json`` (a list of records).
    title : str
        Title of the HTML page.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    from tabulate import tabulate

    if fmt == "md":
        return tabulate(df, headers="keys", tablefmt="github", showindex=False,
                        disable_numparse=True) + "\n\n" + LEGEND + "\n"
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    if fmt == "html":
        body = (f"<h1>{html.escape(title)}</h1>\n"
                + df.to_html(index=False, na_rep="", border=0, escape=True)
                + f"\n<p>{html.escape(LEGEND)}</p>\n")
        return html_page(title, body)
    if fmt == "tex":
        return ("% footprint-audit comparison; needs \\usepackage{booktabs}\n% " + LEGEND
                + "\n" + tabulate(df, headers="keys", tablefmt="latex_booktabs",
                                  showindex=False, disable_numparse=True) + "\n")
    if fmt == "json":
        return df.to_json(orient="records", indent=1, force_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use md, csv, html, tex or json")


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin-top:1.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border:1px solid #d0d0d0;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}
code{background:#f2f2f2;padding:0 .2rem;border-radius:3px;font-size:.85em}
img{max-width:100%;height:auto}.status-r{color:#1a7f37}.status-d{color:#0550ae}
.status-a{color:#9a6700;font-weight:bold}
"""


def html_page(title: str, body: str) -> str:
    """A self-contained HTML5 page (inline style, no external resource)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}</body>\n</html>\n")


def flags_frame(flags: list[Flag]) -> pd.DataFrame:
    """flags.csv: one row per model and regime."""
    cols = ["report_id", "model", "regime", "threshold", "verdict", "estimate_low", "estimate",
            "estimate_high", "p_exceed", "margin_oom", "method", "other_methods", "counts",
            "jurisdiction", "provision", "note"]
    return pd.DataFrame([{c: getattr(f, c) for c in cols} for f in flags], columns=cols)
