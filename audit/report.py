"""The audit sheet of one report as Markdown: what was disclosed (with pages), what was
derived (with formula and inputs), what was assumed (with sources), and the threshold flags.
"""

from __future__ import annotations

from audit.pipeline import AuditResult
from audit.tables import exact, marker, sig


def _figure_line(f) -> str:  # noqa: ANN001
    bound = {"lower": ">= ", "upper": "<= ", "approximate": "~ "}.get(f.bound, "")
    extra = ", ".join(x for x in (f.basis and f"{f.basis}-based", f.scope) if x)
    value = "(no number)" if f.value is None else f"{bound}{exact(f.value)} {f.unit}"
    text = (f.text or "").replace("|", "/").replace("\n", " ")[:90]
    return (f"| {f.field} | {value} | {extra} | {f.where} | {text} |")


def audit_text(result: AuditResult) -> str:
    """Markdown audit sheet of one report: per model, reported figures, meters and flags."""
    d = result.disclosure
    src = d.source
    out = [f"# Audit: {src.get('title', d.report_id)}", ""]
    out.append(f"report_id `{d.report_id}`" + (f"; file `{src['file']}`" if "file" in src
                                               else "") +
               (f"; sha256 `{src['sha256'][:16]}...`" if "sha256" in src else ""))
    out.append("")
    for w in d.warnings:
        out.append(f"- warning {w.code}: {w.message}")
    fps = {fp.model: fp for fp in result.footprints}
    for m in d.models:
        fp = fps.get(m.name)
        acc = f"; accelerator {m.accelerator}" if m.accelerator else ""
        out += ["", f"## {m.name} ({m.kind}{acc})", "", "Reported figures:", "",
                "| field | value | basis / scope | where | text matched |",
                "|---|---|---|---|---|"]
        out += [_figure_line(f) for f in m.figures]
        if fp is None:
            continue
        out += ["", "Meters (r reported, d derived, a depends on an assumption):", "",
                "| meter | value | 5-95 % | status | method / where | assumptions |",
                "|---|---|---|---|---|---|"]
        for name, mt in fp.meters.items():
            interval = ("" if mt.low is None or mt.low == mt.high
                        else f"{sig(mt.low)} - {sig(mt.high)}")
            how = mt.method or ", ".join(str(x) for x in (
                mt.page and f"p. {mt.page}", mt.section, mt.locator) if x)
            if mt.inputs:
                how += f"({', '.join(mt.inputs)})"
            value = exact(mt.value) if mt.status == "reported" else sig(mt.value, 4)
            out.append(f"| {name} | {value} {mt.unit} | {interval} | "
                       f"{marker(mt)} | {how} | {', '.join(mt.assumptions)} |")
        if fp.assumptions:
            out += ["", "Assumptions used:", ""]
            for a in fp.assumptions:
                out.append(f"- `{a['id']}` {a['quantity']} = {a['value']:g} {a['unit']} "
                           f"(range {a['low']:g}-{a['high']:g}, {a['distribution']}); "
                           f"source: {a['source']}")
        for w in fp.warnings:
            out.append(f"- {w.code}: {w.message}")
        flags = [f for f in result.flags if f.model == m.name]
        if flags:
            out += ["", "Compute thresholds:", "",
                    "| regime | threshold | verdict | estimate [FLOP] | 5-95 % | P(exceed) | "
                    "method |", "|---|---|---|---|---|---|---|"]
            for f in flags:
                est = sig(f.estimate) if f.estimate is not None else "-"
                rng = (f"{sig(f.estimate_low)} - {sig(f.estimate_high)}"
                       if f.estimate_low is not None else "")
                p = "" if f.p_exceed is None else f"{f.p_exceed:.2f}"
                out.append(f"| {f.regime} | {f.threshold:.0e} | {f.verdict} | {est} | {rng} | "
                           f"{p} | {f.method} |")
    return "\n".join(out) + "\n"
