"""Compute thresholds of law, as dated data rows, and the flags they raise per model.

Rules live in ``audit/data/thresholds.csv`` (jurisdiction, instrument, provision, threshold,
comparison, what counts, co-criteria, effective_from / effective_to, source); each was checked
against its primary text, and what could not be confirmed is said in the row's notes.

A flag's estimate comes from the best available method: a reported training compute, else
operation counting (6ND), else hardware time (GPU-hours x peak x MFU).  The 5-95 % interval
and P(exceed) come from the Monte Carlo draws of that method; the verdict is ``above`` when
the whole interval exceeds the threshold, ``below`` when none of it does, else ``uncertain``.
The other methods' central estimates are reported beside it.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np

from audit.errors import SchemaError
from audit.records import Flag, Footprint

METHODS = (("training_compute_reported", "reported"), ("training_compute_6nd", "6ND"),
           ("training_compute_hardware", "hardware-time"))


@dataclass(frozen=True)
class Rule:
    """One dated threshold rule (a row of thresholds.csv)."""

    id: str
    jurisdiction: str
    instrument: str
    provision: str
    threshold: float
    comparison: str
    counts: str
    co_criteria: str
    effective_from: date
    effective_to: date | None
    source_id: str
    locator: str
    notes: str

    def in_force(self, on: date) -> bool:
        """True when the rule applies on ``on`` (effective_to is exclusive)."""
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def exceeds(self, value: float | np.ndarray):  # noqa: ANN201
        """``value > threshold`` (``gt``) or ``>=`` (``ge``), elementwise."""
        v = np.asarray(value)
        return v >= self.threshold if self.comparison == "ge" else v > self.threshold


@cache
def rules() -> tuple[Rule, ...]:
    """Every threshold rule, in file order.

    Raises
    ------
    SchemaError
        If a row's threshold, comparison or dates do not parse.
    """
    text = (resources.files("audit") / "data" / "thresholds.csv").read_text(encoding="utf-8")
    out = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        where = f"audit/data/thresholds.csv line {n}"
        try:
            out.append(Rule(
                id=row["id"], jurisdiction=row["jurisdiction"], instrument=row["instrument"],
                provision=row["provision"], threshold=float(row["threshold"]),
                comparison=row["comparison"], counts=row["counts"],
                co_criteria=row.get("co_criteria", ""),
                effective_from=date.fromisoformat(row["effective_from"]),
                effective_to=date.fromisoformat(row["effective_to"])
                if row.get("effective_to") else None,
                source_id=row["source_id"], locator=row.get("locator", ""),
                notes=row.get("notes", "")))
        except (KeyError, ValueError) as exc:
            raise SchemaError(f"{where}: {exc}") from None
        if out[-1].comparison not in ("gt", "ge"):
            raise SchemaError(f"{where}: comparison must be gt or ge")
    return tuple(out)


def rules_in_force(on: date | None = None) -> list[Rule]:
    """The rules in force on ``on`` (default: today)."""
    on = on or date.today()
    return [r for r in rules() if r.in_force(on)]


def _estimates(fp: Footprint) -> list[tuple[str, float, float, float, np.ndarray | None]]:
    out = []
    tc = fp.meters.get("training_compute")
    if tc is not None and tc.status == "reported":
        v = float(tc.value) * _to_flop(tc.unit)
        out.append(("reported", v, v, v, None))
    for key, label in METHODS[1:]:
        m = fp.meters.get(key)
        if m is None:
            continue
        k = _to_flop(m.unit)
        out.append((label, m.value * k, (m.low or m.value) * k, (m.high or m.value) * k,
                    fp.draws.get(key)))
    return out


def _to_flop(unit: str) -> float:
    from audit.units import Q_

    return float(Q_(1.0, unit).to("FLOP").magnitude)


def flag(fp: Footprint, rule: Rule) -> Flag:
    """The verdict of ``rule`` for one footprint.

    Returns
    -------
    Flag
        ``unknown`` when no training-compute estimate exists.
    """
    est = _estimates(fp)
    common = {"report_id": fp.report_id, "model": fp.model, "regime": rule.id,
              "threshold": rule.threshold, "jurisdiction": rule.jurisdiction,
              "instrument": rule.instrument, "provision": rule.provision,
              "comparison": rule.comparison, "counts": rule.counts}
    if not est:
        return Flag(**common, verdict="unknown", estimate=None, method="none",
                    note="no training compute: disclose FLOP, or N and D, or GPU-hours and "
                         "accelerator")
    method, central, low, high, draws = est[0]
    if draws is not None and len(draws):
        p = float(np.mean(rule.exceeds(draws)))
    else:
        p = float(bool(rule.exceeds(central)))
    if bool(rule.exceeds(low)):
        verdict = "above"
    elif not bool(rule.exceeds(high)):
        verdict = "below"
    else:
        verdict = "uncertain"
    others = "; ".join(f"{m}: {c:.3g} FLOP ({'above' if rule.exceeds(c) else 'below'})"
                       for m, c, *_ in est[1:])
    note = []
    if any(bool(rule.exceeds(c)) != bool(rule.exceeds(central)) for _, c, *_ in est[1:]):
        note.append("methods disagree on the side of the threshold")
    if rule.co_criteria:
        note.append(f"co-criteria not assessed: {rule.co_criteria}")
    if rule.counts == "cumulative":
        note.append("counts cumulative compute (incl. fine-tuning/RL); estimate covers the "
                    "disclosed run only")
    return Flag(**common, verdict=verdict, estimate=central, estimate_low=low,
                estimate_high=high, p_exceed=p,
                margin_oom=math.log10(central / rule.threshold) if central > 0 else None,
                method=method, other_methods=others, note="; ".join(note))


def flags(footprints: list[Footprint], on: date | None = None) -> list[Flag]:
    """Flags of every model footprint (aggregates excluded) under every rule in force."""
    in_force = rules_in_force(on)
    return [flag(fp, r) for fp in footprints if fp.kind == "model" for r in in_force]
