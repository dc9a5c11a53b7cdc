"""Compute thresholds of law, as dated data rows, and the flags they raise per model.

Rules live in ``audit/data/thresholds.csv`` (jurisdiction, instrument, provision, threshold,
comparison, what counts, co-criteria, effective_from / effective_to, source); each was checked
against its primary text, and what could not be confirmed is said in the row's notes.

A flag's estimate comes from the best available method: a reported training compute, else
operation counting (6ND), else hardware time (GPU-hours x peak x MFU).  The 5-95 % interval
and P(exceed) come from the Monte Carlo draws of that method; the verdict is ``above`` when
the whole interval exceeds the threshold, ``below`` when none of it does, else ``uncertain``;
it is ``uncertain`` too when an estimated (not reported) compute and another method's central
estimate fall on opposite sides of the line.
The other methods' estimates (central, interval, P(exceed)) are reported beside it.  What
each regime counts (pre-training only, cumulative with fine-tuning and RL...) is a column of
the rule and is carried into every flag.

:func:`epoch_checks` replays the verdict on the inputs Epoch AI records for a model
(parameters x dataset size for 6ND, else hardware quantity x training time x peak x MFU) and
compares it with Epoch's own compute figure (``benchmarks/epoch_thresholds.py``).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from audit.errors import MissingInputError, SchemaError
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
    counts_detail: str = ""

    def in_force(self, on: date) -> bool:
        """True when the rule applies on ``on`` (effective_to is exclusive)."""
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def exceeds(self, value: float | np.ndarray):  # noqa: ANN201
        """``value > threshold`` (``gt``) or ``>=`` (``ge``), elementwise."""
        v = np.asarray(value)
        return v >= self.threshold if self.comparison == "ge" else v > self.threshold

    def status(self, on: date | None = None) -> str:
        """``in force``, ``not yet in force`` or ``ended <date>`` (repealed or superseded)."""
        on = on or date.today()
        if self.in_force(on):
            return "in force"
        if on < self.effective_from:
            return "not yet in force"
        return f"ended {self.effective_to.isoformat()}"

    @property
    def symbol(self) -> str:
        """``>`` for ``gt`` (strictly greater), ``>=`` for ``ge``."""
        return ">" if self.comparison == "gt" else ">="

    @property
    def what_counts(self) -> str:
        """What compute counts under the rule: the code and its detail."""
        return f"{self.counts}: {self.counts_detail}" if self.counts_detail else self.counts

    def citation(self) -> str:
        """The primary text's citation (``threshold_sources.csv``) with the row's locator."""
        src = _threshold_sources().get(self.source_id, {})
        return f"{src.get('citation', self.source_id)}; {self.locator}".rstrip("; ")

    def to_dict(self, on: date | None = None) -> dict[str, Any]:
        """The rule as a flat dict (the ``footprint-audit thresholds`` listing)."""
        return {"id": self.id, "jurisdiction": self.jurisdiction,
                "instrument": self.instrument, "provision": self.provision,
                "threshold": self.threshold, "comparison": self.symbol,
                "counts": self.counts, "counts_detail": self.counts_detail,
                "co_criteria": self.co_criteria,
                "effective_from": self.effective_from.isoformat(),
                "effective_to": self.effective_to.isoformat() if self.effective_to else "",
                "status": self.status(on), "source": self.citation(),
                "url": _threshold_sources().get(self.source_id, {}).get("url_or_doi", ""),
                "notes": self.notes}

    def summary(self) -> str:
        """One line: id, comparison and threshold, what counts, dates, instrument."""
        to = self.effective_to.isoformat() if self.effective_to else "-"
        co = f"; and {self.co_criteria}" if self.co_criteria else ""
        return (f"{self.id}: {self.symbol} {self.threshold:.0e} FLOP ({self.counts}{co}), "
                f"{self.effective_from.isoformat()} .. {to}, {self.jurisdiction} "
                f"{self.instrument}, {self.provision.split(':')[0]}")


@cache
def _threshold_sources() -> dict[str, dict[str, str]]:
    text = (resources.files("audit") / "data" / "threshold_sources.csv").read_text(
        encoding="utf-8")
    return {row["source_id"]: row for row in csv.DictReader(text.splitlines())}


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
                notes=row.get("notes", ""), counts_detail=row.get("counts_detail") or ""))
        except (KeyError, ValueError) as exc:
            raise SchemaError(f"{where}: {exc}") from None
        if out[-1].comparison not in ("gt", "ge"):
            raise SchemaError(f"{where}: comparison must be gt or ge")
    return tuple(out)


def rules_in_force(on: date | None = None) -> list[Rule]:
    """The rules in force on ``on`` (default: today), in file order.

    Parameters
    ----------
    on : datetime.date, optional
        The date; a rule applies from ``effective_from`` (inclusive) to ``effective_to``
        (exclusive), so EO 14110 is in force on 2025-01-19 and not on 2025-01-20.

    Returns
    -------
    list of Rule
        Each with :meth:`Rule.summary`, :meth:`Rule.to_dict` and :attr:`Rule.what_counts`
        for listing (``footprint-audit thresholds --as-of DATE``).
    """
    on = on or date.today()
    return [r for r in rules() if r.in_force(on)]


def rules_frame(on: date | None = None, *, include_all: bool = False) -> pd.DataFrame:
    """The rule set as a table: those in force on ``on``, or every rule with its status.

    Returns
    -------
    pandas.DataFrame
        Columns id, jurisdiction, instrument, provision, threshold [FLOP], comparison
        (``>`` / ``>=``), counts, counts_detail, co_criteria, effective_from, effective_to,
        status, source, url, notes.
    """
    rs = rules() if include_all else rules_in_force(on)
    cols = ["id", "jurisdiction", "instrument", "provision", "threshold", "comparison",
            "counts", "counts_detail", "co_criteria", "effective_from", "effective_to",
            "status", "source", "url", "notes"]
    return pd.DataFrame([r.to_dict(on) for r in rs], columns=cols)


@dataclass(frozen=True)
class _Estimate:
    method: str
    central: float
    low: float
    high: float
    draws: np.ndarray | None
    scope: str | None = None

    def p_exceed(self, rule: Rule) -> float | None:
        """Share of the Monte Carlo draws above the line; 0/1 for a reported value (no
        uncertainty modelled); None when a derived estimate has no draws."""
        if self.draws is not None and len(self.draws):
            return float(np.mean(rule.exceeds(np.asarray(self.draws, dtype=float))))
        if self.method == "reported":
            return float(bool(rule.exceeds(self.central)))
        return None

    def verdict(self, rule: Rule) -> str:
        if bool(rule.exceeds(self.low)):
            return "above"
        if not bool(rule.exceeds(self.high)):
            return "below"
        return "uncertain"

    def text(self, rule: Rule) -> str:
        p = self.p_exceed(rule)
        rng = (f" [{self.low:.3g}, {self.high:.3g}]" if self.high > self.low else "")
        return (f"{self.method}: {self.central:.3g} FLOP{rng}"
                f"{'' if p is None else f', P(exceed) {p:.2f}'}, {self.verdict(rule)}")


def _estimates(fp: Footprint) -> list[_Estimate]:
    """Training-compute estimates, best method first: reported, 6ND, hardware-time."""
    out = []
    tc = fp.meters.get("training_compute")
    if tc is not None and tc.status == "reported":
        v = float(tc.value) * _to_flop(tc.unit)
        out.append(_Estimate("reported", v, v, v, None, getattr(tc, "scope", None)))
    for key, label in METHODS[1:]:
        m = fp.meters.get(key)
        if m is None:
            continue
        k = _to_flop(m.unit)
        draws = fp.draws.get(key)
        out.append(_Estimate(label, m.value * k,
                             (m.low if m.low is not None else m.value) * k,
                             (m.high if m.high is not None else m.value) * k,
                             None if draws is None else np.asarray(draws, dtype=float) * k,
                             getattr(m, "scope", None)))
    return out


def _to_flop(unit: str) -> float:
    from audit.units import Q_

    return float(Q_(1.0, unit).to("FLOP").magnitude)


def flag(fp: Footprint, rule: Rule) -> Flag:
    """The verdict of ``rule`` for one footprint.

    Parameters
    ----------
    fp : Footprint
        With its Monte Carlo draws (``Footprint.draws``) when the estimate is derived.
    rule : Rule

    Returns
    -------
    Flag
        estimate, estimate_low, estimate_high [FLOP] (central and 5-95 % interval of the
        best method), p_exceed (share of that method's Monte Carlo draws past the line; 0 or
        1 for a reported figure; None for a derived estimate without draws, e.g. a footprint
        read back from JSON), margin_oom = log10(estimate / threshold), verdict (``above``
        when the whole interval is past the line, ``below`` when none of it is, else
        ``uncertain``, also when the best method is an estimate and another method's central
        value is on the other side; ``unknown`` when no estimate exists), method, the other
        methods with their own interval and P(exceed), what counts under the rule, and
        notes (co-criteria not assessed, scope of the estimate against what counts).
    """
    est = _estimates(fp)
    common = {"report_id": fp.report_id, "model": fp.model, "regime": rule.id,
              "threshold": rule.threshold, "jurisdiction": rule.jurisdiction,
              "instrument": rule.instrument, "provision": rule.provision,
              "comparison": rule.comparison, "counts": rule.what_counts}
    if not est:
        return Flag(**common, verdict="unknown", estimate=None, method="none",
                    note="no training compute: disclose FLOP, or N and D, or GPU-hours and "
                         "accelerator")
    best = est[0]
    p = best.p_exceed(rule)
    verdict = best.verdict(rule)
    note = []
    if any(bool(rule.exceeds(e.central)) != bool(rule.exceeds(best.central))
           for e in est[1:]):
        note.append("methods disagree on the side of the threshold")
        if best.method != "reported":  # 6ND is an approximation too: no verdict past it
            verdict = "uncertain"
    if p is None:
        note.append("no Monte Carlo draws: P(exceed) not computed")
    if rule.co_criteria:
        note.append(f"co-criteria not assessed: {rule.co_criteria}")
    if rule.counts == "cumulative":
        scope = f" ({best.scope})" if best.scope else ""
        note.append(f"counts cumulative compute (incl. fine-tuning/RL); the estimate covers "
                    f"the disclosed run{scope} only, a lower bound")
    elif rule.counts == "unspecified":
        note.append("the rule does not say whether fine-tuning counts")
    return Flag(**common, verdict=verdict, estimate=best.central, estimate_low=best.low,
                estimate_high=best.high, p_exceed=p,
                margin_oom=math.log10(best.central / rule.threshold) if best.central > 0
                else None,
                method=best.method, other_methods="; ".join(e.text(rule) for e in est[1:]),
                note="; ".join(note))


def flags(footprints: list[Footprint], on: date | None = None) -> list[Flag]:
    """Flags of every model footprint (aggregates excluded) under every rule in force."""
    in_force = rules_in_force(on)
    return [flag(fp, r) for fp in footprints if fp.kind == "model" for r in in_force]


# --- Epoch AI cross-check -------------------------------------------------------------------

EPOCH_COLUMNS = {"model": "Model", "compute": "Training compute (FLOP)",
                 "params": "Parameters", "data": "Training dataset size (datapoints)",
                 "quantity": "Hardware quantity", "hours": "Training time (hours)",
                 "chip_hours": "Training chip-hours", "hardware": "Training hardware",
                 "mfu": "Hardware utilization (MFU)", "precision": "Numerical format",
                 "base": "Base model", "method": "Training compute estimation method",
                 "date": "Publication date"}
_MOE = re.compile(r"mixture[- ]of[- ]experts|\bMoE\b|\bactive(?:ated)? param|\bexperts?\b",
                  re.I)


@dataclass(frozen=True)
class EpochCheck:
    """Our verdict from the inputs Epoch AI records for one model, against Epoch's compute.

    Attributes
    ----------
    model : str
    epoch_compute : float
        Epoch's training compute [FLOP].
    epoch_verdict : str
        ``above`` / ``below`` the threshold for Epoch's figure (strict for ``gt``).
    method : str
        ``6ND``, ``6ND + base model``, ``hardware-time`` or ``none``.
    estimate, estimate_low, estimate_high : float or None
        Our central value and 5-95 % interval [FLOP] (equal for a point estimate).
    p_exceed : float or None
        Share of the Monte Carlo draws past the line (0/1 for a point estimate).
    verdict : str
        ``above``, ``below``, ``uncertain`` or ``unknown`` (no inputs).
    agrees : bool
        ``verdict == epoch_verdict``.
    inputs : str
        The recorded inputs used.
    reason : str
        Why a verdict disagrees or is unknown; caveats of an agreeing one.
    """

    model: str
    epoch_compute: float
    epoch_verdict: str
    method: str
    estimate: float | None
    estimate_low: float | None
    estimate_high: float | None
    p_exceed: float | None
    verdict: str
    agrees: bool
    inputs: str
    reason: str


def load_epoch(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Rows of Epoch AI's notable-models CSV (``epoch_notable_models_2025-06.csv``).

    Raises
    ------
    MissingInputError
        If the file does not exist.
    SchemaError
        If a needed column is missing.
    """
    if not os.path.isfile(path):
        raise MissingInputError(f"{path}: no such file")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in EPOCH_COLUMNS.values() if rows and c not in rows[0]]
    if missing:
        raise SchemaError(f"{path}: missing columns {', '.join(missing)}")
    return rows


def _num(row: Mapping[str, Any], key: str) -> float | None:
    raw = row.get(EPOCH_COLUMNS[key])
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    try:
        v = float(str(raw).replace(",", "").strip())
    except ValueError:
        return None
    return v if math.isfinite(v) and v > 0 else None


def _text(row: Mapping[str, Any], key: str) -> str:
    raw = row.get(EPOCH_COLUMNS[key])
    return "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)


def _epoch_estimate(row: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]], *,
                    cumulative: bool, samples: int, seed: int,
                    depth: int = 0) -> tuple[str, float, np.ndarray | None, str, list[str]]:
    """(method, central [FLOP], draws or None, inputs, caveats) from recorded inputs."""
    from audit import assumptions as reg
    from audit.reconstruct import sample

    caveats: list[str] = []
    n, d = _num(row, "params"), _num(row, "data")
    if n and d:
        central = 6.0 * n * d
        inputs = f"N={n:.3g}, D={d:.3g}"
        notes = " ".join(str(row.get(k) or "") for k in ("Parameters notes",
                                                          "Training compute notes"))
        if _MOE.search(notes):
            caveats.append("Epoch's notes describe a mixture-of-experts model: 6ND with the "
                           "recorded (total) parameters overstates compute")
        base = by_name.get(_text(row, "base"))
        if cumulative and base is not None and depth < 3:
            b = _epoch_estimate(base, by_name, cumulative=True, samples=samples, seed=seed,
                                depth=depth + 1)
            if b[0] != "none":
                draws = None if b[2] is None else b[2] + central
                return ("6ND + base model", central + b[1], draws,
                        f"{inputs}; base {_text(row, 'base')}: {b[3]}", caveats + b[4])
            caveats.append(f"base model {_text(row, 'base')} not estimable from its inputs")
        return "6ND", central, None, inputs, caveats
    hw = _text(row, "hardware")
    acc_id = reg.find_accelerator(hw) if hw else None
    q, h = _num(row, "quantity"), _num(row, "hours")
    chip_hours = q * h if q and h else _num(row, "chip_hours")
    if acc_id is None or chip_hours is None:
        have = [k for k, v in (("hardware", acc_id), ("hardware quantity", q),
                               ("training time", h)) if v]
        if hw and acc_id is None:
            caveats.append(f"accelerator {hw!r} not in the registry")
        caveats.append(f"recorded: {', '.join(have) or 'none of N, D, hardware, quantity, time'}")
        return "none", math.nan, None, "", caveats
    acc = reg.accelerator(acc_id)
    precision = _text(row, "precision").split(",")[0].strip().lower() or None
    try:
        peak = float(acc.peak(precision).to("FLOP/s").magnitude)
    except Exception:  # noqa: BLE001 - precision the registry lacks: use the default peak
        peak = float(acc.peak().to("FLOP/s").magnitude)
        caveats.append(f"no {precision} peak for {acc_id}: default precision used")
    mfu = _num(row, "mfu")
    mfu_text = f"{mfu:.3g}" if mfu else "registry"
    inputs = f"{acc_id}, {chip_hours:.3g} chip-hours, peak {peak:.3g} FLOP/s, MFU {mfu_text}"
    central = chip_hours * 3600.0 * peak
    if mfu:
        return "hardware-time", central * mfu, None, inputs, caveats
    year = _text(row, "date")[:4]
    a = reg.lookup("mfu", None, int(year) if year.isdigit() else None, "default")
    draws = central * sample(a, samples, np.random.default_rng(seed))
    inputs = inputs.replace("MFU registry", f"MFU {a.id} {a.value:g} [{a.low:g}, {a.high:g}]")
    return "hardware-time", central * a.value, draws, inputs, caveats


def epoch_checks(rows: Iterable[Mapping[str, Any]], *, threshold: float = 1e25,
                 comparison: str = "gt", at_least: float = 1e25, cumulative: bool = True,
                 samples: int = 10_000, seed: int = 20_240_601) -> list[EpochCheck]:
    """Our verdict from the inputs Epoch records, for every model Epoch puts >= ``at_least``.

    Parameters
    ----------
    rows : iterable of mapping
        Epoch notable-models rows (:func:`load_epoch`); every row is used to resolve base
        models, only those with compute >= ``at_least`` [FLOP] are checked.
    threshold : float
        The line [FLOP] (default the EU AI Act's 1e25).
    comparison : {"gt", "ge"}
        ``gt``: strictly greater (exactly 1e25 is not above).
    at_least : float
        Which of Epoch's models to check [FLOP].
    cumulative : bool
        Add the base model's compute (from its own inputs) to a fine-tune's, as a regime that
        counts cumulative compute does (EU Art. 51, SB 53).
    samples, seed : int
        Monte Carlo of the registry MFU when Epoch records none (hardware-time method).

    Returns
    -------
    list of EpochCheck
        In file order.

    Raises
    ------
    ValueError
        If ``comparison`` is not ``gt`` or ``ge``.
    """
    if comparison not in ("gt", "ge"):
        raise ValueError(f"comparison={comparison!r}: use gt or ge")
    rule = Rule(id="epoch-check", jurisdiction="", instrument="", provision="",
                threshold=threshold, comparison=comparison, counts="", co_criteria="",
                effective_from=date.min, effective_to=None, source_id="", locator="",
                notes="")
    rows = list(rows)
    by_name = {_text(r, "model"): r for r in rows}
    out = []
    for row in rows:
        epoch = _num(row, "compute")
        if epoch is None or epoch < at_least:
            continue
        method, central, draws, inputs, caveats = _epoch_estimate(
            row, by_name, cumulative=cumulative, samples=samples, seed=seed)
        epoch_verdict = "above" if bool(rule.exceeds(epoch)) else "below"
        near = abs(epoch / threshold - 1) < 0.01
        if method == "none":
            how = _text(row, "method") or "a method Epoch does not name"
            reason = (f"no inputs to replay: Epoch's figure comes from {how}; "
                      + "; ".join(caveats))
            if near:
                reason += f"; Epoch's {epoch:.6g} is within 1 % of the line"
            out.append(EpochCheck(_text(row, "model"), epoch, epoch_verdict, method, None,
                                  None, None, None, "unknown", False, inputs, reason))
            continue
        if draws is not None:
            low, high = (float(v) for v in np.percentile(draws, [5, 95]))
        else:  # a point estimate: P(exceed) is 0 or 1
            low = high = central
            draws = np.array([central])
        e = _Estimate(method, central, low, high, draws)
        verdict = e.verdict(rule)
        ratio = central / epoch
        reason = []
        if verdict == "uncertain":
            reason.append(f"our 5-95 % interval {low:.3g}-{high:.3g} straddles the line")
        elif verdict != epoch_verdict:
            reason.append(f"ours {central:.3g} vs Epoch {epoch:.3g} ({ratio:.2g}x)")
        elif not 1 / 3 <= ratio <= 3:
            reason.append(f"same side, but ours is {ratio:.2g}x Epoch's {epoch:.3g}")
        if near:
            reason.append(f"Epoch's {epoch:.6g} is within 1 % of the line")
        out.append(EpochCheck(_text(row, "model"), epoch, epoch_verdict, method, central, low,
                              high, e.p_exceed(rule), verdict, verdict == epoch_verdict,
                              inputs, "; ".join(reason + caveats)))
    return out


def epoch_agreement(checks: Iterable[EpochCheck]) -> dict[str, Any]:
    """Agreement counts of :func:`epoch_checks`.

    Returns
    -------
    dict
        n (models checked), agree, with_inputs (models whose recorded inputs give an
        estimate), agree_with_inputs, share (agree / n), share_with_inputs, and
        disagreements (the EpochCheck rows that do not agree).
    """
    checks = list(checks)
    with_inputs = [c for c in checks if c.method != "none"]
    agree = sum(c.agrees for c in checks)
    agree_in = sum(c.agrees for c in with_inputs)
    return {"n": len(checks), "agree": agree, "with_inputs": len(with_inputs),
            "agree_with_inputs": agree_in,
            "share": agree / len(checks) if checks else math.nan,
            "share_with_inputs": agree_in / len(with_inputs) if with_inputs else math.nan,
            "disagreements": [c for c in checks if not c.agrees]}
