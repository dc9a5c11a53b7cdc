"""Which assumption drives the answer: one-at-a-time swings and Sobol indices per meter.

For one model footprint, every assumption the reconstruction used with a range (``low <
high`` and a distribution other than ``fixed``) is a *factor*.  Two analyses run over the
same registry ranges (DESIGN.md section 8):

* one-at-a-time swings (a tornado): the meter's central value with that factor at its low,
  then at its high, every other factor at its central value;
* Sobol indices (SALib): the first-order index S1 (the share of the meter's variance the
  factor explains alone) and the total index ST (alone and in interaction with the others),
  from a Saltelli design (SALib's scrambled Sobol' sequence) pushed through the very
  reconstruction code that produced the footprint (:func:`audit.reconstruct.reconstruct_model`
  with every factor given as exact draws).

Indices are computed on the logarithm of the meter by default (``scale="log"``): the meters
are products of their inputs, so on the log scale the model is additive, S1 and ST are shares
of the variance of the meter's order of magnitude, and for a product of independent
log-uniform factors they equal the shares of the variances of the factors' logs (the analytic
test).  ``scale="linear"`` analyses the meter itself.

Factors are ranked per meter by S1 (the factor-prioritisation setting: the factor which, if
it were known, would on average shrink the variance most), ties broken by ST then by the
swing.  Seeded: the same seed gives the same rows.

References
----------
Saltelli, A. et al. (2008), *Global Sensitivity Analysis: The Primer*, Wiley, ch. 1.2 (settings:
factor prioritisation ranks by S1, factor fixing by ST) and ch. 4 (Sobol indices).
Saltelli, A. et al. (2010), "Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index", Comput. Phys. Commun. 181, 259-270 (estimators
used by SALib).
Herman, J. and Usher, W. (2017), "SALib: An open-source Python library for Sensitivity
Analysis", JOSS 2(9), 97.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from audit import assumptions as reg
from audit.reconstruct import DEFAULT_SEED, reconstruct_model
from audit.records import Disclosure, Footprint

#: Base sample size N of the Saltelli design (a power of 2); the model runs N (D + 2) times.
DEFAULT_SOBOL_SAMPLES = 1024
METERS = ("emissions", "cost", "training_compute")
#: Assumption quantities that :func:`audit.reconstruct.reconstruct_model` accepts by name.
OVERRIDABLE = ("pue", "carbon_intensity", "gpu_hour_price", "mfu", "tdp_fraction",
               "accelerator_power", "checkpoint_overhead", "development_multiplier")
_VARIED = ("triangular", "uniform", "loguniform", "split-uniform")
FRAME_COLUMNS = ["report", "model", "meter", "assumption", "swing_low", "swing_high", "S1",
                 "ST", "rank"]


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a central value, a range and the registry distribution.

    Attributes
    ----------
    name : str
        Override name (``pue``, ``carbon_intensity``, ``gpu_hour_price``, ``mfu``,
        ``tdp_fraction``, ``accelerator_power``, and the opt-in ``checkpoint_overhead`` and
        ``development_multiplier``) or ``tdp`` (the accelerator's TDP row).
    id : str
        Registry id of the assumption (``pue-unknown-2024``).
    value, low, high : float
        Central value and range [unit].
    distribution : str
        ``triangular`` (mode = value), ``uniform``, ``loguniform`` or ``fixed``.
    unit : str
        Unit of value, low and high.
    """

    name: str
    id: str
    value: float
    low: float
    high: float
    distribution: str = "triangular"
    unit: str = "dimensionless"

    @property
    def varies(self) -> bool:
        """True when the factor has a range and a distribution that is not ``fixed``."""
        return self.distribution in _VARIED and self.high > self.low

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: map uniform draws ``u`` in [0, 1] to the factor's distribution.

        Parameters
        ----------
        u : numpy.ndarray [dimensionless], values in [0, 1]

        Returns
        -------
        numpy.ndarray [unit]
            Same shape as ``u``.

        Notes
        -----
        The same conventions as :func:`audit.reconstruct.sample` (split-uniform:
        :func:`audit.assumptions.split_uniform_ppf`): the triangular mode is
        clamped into [low, high]; ``loguniform`` needs low > 0 (else triangular); a factor
        that does not vary returns its central value.  The triangular inverse CDF is written
        out here because SALib's own ``triang`` rejects a peak at the upper bound (e.g.
        ``ci-cn-2023``: value = high).
        """
        u = np.asarray(u, dtype=float)
        lo, hi = self.low, self.high
        if not self.varies:
            return np.full(u.shape, self.value, dtype=float)
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        if self.distribution == "loguniform" and lo > 0:
            return np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        mode = min(max(self.value, lo), hi)
        if self.distribution == "split-uniform":
            return reg.split_uniform_ppf(u, lo, mode, hi)
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < cut, left, right)

    @classmethod
    def from_assumption(cls, a: Mapping[str, Any]) -> Factor:
        """A factor from a footprint's assumption dict (``Footprint.assumptions``)."""
        return cls(name=str(a["quantity"]), id=str(a["id"]), value=float(a["value"]),
                   low=float(a["low"]), high=float(a["high"]),
                   distribution=str(a.get("distribution") or "triangular"),
                   unit=str(a.get("unit") or "dimensionless"))


@dataclass(frozen=True)
class SensitivityRow:
    """The effect of one assumption on one meter of one model.

    Attributes
    ----------
    report_id, model, meter : str
        Where: the report, the model row and the meter (``emissions``, ``cost``,
        ``training_compute``).
    assumption : str
        Registry id of the assumption (``ci-cn-2023``).
    name : str
        Its quantity (``carbon_intensity``, ``pue``, ``tdp_fraction``, ``tdp``...).
    swing_low, swing_high : float
        The meter [unit] with this assumption at its low / its high, every other assumption
        at its central value.
    S1, ST : float
        Sobol first-order and total indices [dimensionless, 0..1] (SALib estimates: small
        negative values are estimator noise).
    rank : int
        1 = the assumption the meter is most sensitive to (by S1, then ST, then swing).
    central : float
        The meter at every assumption's central value [unit].
    unit : str
        Unit of the meter (``tCO2e``, ``USD``, ``FLOP``).
    low, high : float
        The assumption's range [its own unit].
    S1_conf, ST_conf : float
        Half-widths of the 95 % bootstrap confidence intervals of S1 and ST.
    scale : str
        ``log`` or ``linear``: what the indices were computed on.
    """

    report_id: str
    model: str
    meter: str
    assumption: str
    name: str
    swing_low: float
    swing_high: float
    S1: float
    ST: float
    rank: int
    central: float = math.nan
    unit: str = ""
    low: float = math.nan
    high: float = math.nan
    S1_conf: float = math.nan
    ST_conf: float = math.nan
    scale: str = "log"


# --- the SALib wrapper -------------------------------------------------------------------

def _power_of_two(n: int) -> int:
    if n < 2:
        raise ValueError(f"samples={n}: the Sobol design needs at least 2 base samples")
    return 1 << (int(n) - 1).bit_length()


def sobol(factors: Sequence[Factor],
          model: Callable[[dict[str, np.ndarray]], Mapping[str, np.ndarray]], *,
          samples: int = DEFAULT_SOBOL_SAMPLES, seed: int = DEFAULT_SEED,
          scale: str = "log") -> dict[str, dict[str, tuple[float, float, float, float]]]:
    """Sobol first-order and total indices of every output of ``model``.

    Parameters
    ----------
    factors : sequence of Factor
        The inputs; those that do not vary are left out of the design.
    model : callable
        Takes ``{factor name: draws [factor unit], shape (n,)}`` and returns ``{output name:
        values, shape (n,)}``; it is called once with the whole design.
    samples : int
        Base sample size N of the Saltelli design; rounded up to a power of 2 (the Sobol'
        sequence's balance needs it).  The model sees N (D + 2) rows for D varying factors.
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    scale : {"log", "linear"}
        Analyse log(output) (outputs must be positive) or the output itself.

    Returns
    -------
    dict
        ``{output: {factor name: (S1, ST, S1_conf, ST_conf)}}``; an output that does not vary
        over the design is left out.  With one varying factor S1 = ST = 1 exactly.

    Raises
    ------
    ValueError
        If ``scale`` is unknown, an output is not positive on the log scale, an output has
        the wrong length, two factors share a name, or ``samples`` < 2.

    Notes
    -----
    SALib samples the unit hypercube ('unif' on [0, 1] for every factor) and each column is
    mapped through :meth:`Factor.ppf`, so triangular, uniform and log-uniform registry rows
    keep exactly the distribution the Monte Carlo uses.
    """
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample

    if scale not in ("log", "linear"):
        raise ValueError(f"scale={scale!r}: use 'log' or 'linear'")
    varied = [f for f in factors if f.varies]
    names = [f.name for f in varied]
    if len(set(names)) != len(names):
        raise ValueError(f"factor names must be unique: {names}")
    if not varied:
        return {}
    n_base = _power_of_two(samples)
    problem = {"num_vars": len(varied), "names": names, "bounds": [[0.0, 1.0]] * len(varied)}
    unit = salib_sample.sample(problem, n_base, calc_second_order=False, scramble=True,
                               seed=seed)
    cols = {f.name: f.ppf(unit[:, i]) for i, f in enumerate(varied)}
    out: dict[str, dict[str, tuple[float, float, float, float]]] = {}
    for name, y in model(cols).items():
        y = np.asarray(y, dtype=float)
        if y.shape != (unit.shape[0],):
            raise ValueError(f"output {name}: {y.shape} values for {unit.shape[0]} design rows")
        if scale == "log":
            if not np.all(y > 0):
                raise ValueError(f"output {name}: not positive; use scale='linear'")
            y = np.log(y)
        if not np.all(np.isfinite(y)) or np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
            continue
        if len(varied) == 1:
            out[name] = {names[0]: (1.0, 1.0, 0.0, 0.0)}
            continue
        res = salib_analyze.analyze(problem, y, calc_second_order=False, num_resamples=100,
                                    conf_level=0.95, print_to_console=False, seed=seed)
        out[name] = {n: (float(res["S1"][i]), float(res["ST"][i]), float(res["S1_conf"][i]),
                         float(res["ST_conf"][i])) for i, n in enumerate(names)}
    return out


# --- footprints --------------------------------------------------------------------------

def _as_assumption(a: Mapping[str, Any]) -> reg.Assumption:
    """The registry row behind a footprint's assumption dict (or a copy of a user override)."""
    try:
        if not a.get("override"):
            return reg.get(str(a["id"]))
    except reg.UnknownAssumptionError:
        pass
    return reg.Assumption(id=str(a["id"]), quantity=str(a["quantity"]), value=float(a["value"]),
                          unit=str(a["unit"]), low=float(a["low"]), high=float(a["high"]),
                          distribution=str(a.get("distribution") or "fixed"),
                          applies_to=str(a.get("applies_to") or ""), year=a.get("year"),
                          source_id="", override=bool(a.get("override")))


def _set(a: reg.Assumption, value: Any) -> reg.Assumption:
    """``a`` at a scalar value (fixed) or at exact draws (given)."""
    if np.ndim(value) == 0:
        v = float(value)
        return dataclasses.replace(a, value=v, distribution="fixed", low=v, high=v, draws=None)
    return dataclasses.replace(a, distribution="given", draws=tuple(float(x) for x in value))


def _overrides(base: dict[str, reg.Assumption], values: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides for reconstruct_model: every used assumption at ``values`` or central.

    The TDP row cannot be overridden by name, so when the footprint derived the accelerator
    power from TDP x fraction of TDP, both are folded into one ``accelerator_power`` override
    (TDP [W] x fraction), which the reconstruction uses exactly as the derived power.
    """
    out: dict[str, Any] = {}
    for name, a in base.items():
        if name in ("tdp", "tdp_fraction") and "tdp" in base:
            continue
        out[name] = _set(a, values.get(name, a.value))
    if "tdp" in base:
        tdp = np.asarray(values.get("tdp", base["tdp"].value), dtype=float)
        frac_a = base.get("tdp_fraction")
        frac = np.asarray(values.get("tdp_fraction", frac_a.value if frac_a else 1.0),
                          dtype=float)
        power = tdp * frac
        central = base["tdp"].value * (frac_a.value if frac_a else 1.0)
        a = reg.Assumption(id="sensitivity-accelerator-power", quantity="accelerator_power",
                           value=central, unit="W", low=central, high=central,
                           distribution="fixed", applies_to="sensitivity", year=None,
                           source_id="")
        out["accelerator_power"] = _set(a, power if power.ndim else float(power))
    return out


def _base(footprint: Footprint) -> tuple[dict[str, reg.Assumption], list[Factor]]:
    base: dict[str, reg.Assumption] = {}
    factors: list[Factor] = []
    for a in footprint.assumptions:
        name = str(a["quantity"])
        if name not in OVERRIDABLE and name != "tdp":
            continue  # not an input of the reconstruction (cannot occur today)
        base[name] = _as_assumption(a) if name != "tdp" else reg.Assumption(
            id=str(a["id"]), quantity="tdp", value=float(a["value"]), unit=str(a["unit"]),
            low=float(a["low"]), high=float(a["high"]),
            distribution=str(a.get("distribution") or "triangular"),
            applies_to=str(a.get("applies_to") or ""), year=a.get("year"), source_id="")
        f = Factor.from_assumption(a)
        if f.varies:
            factors.append(f)
    return base, factors


def analyse(disclosure: Disclosure, footprint: Footprint, *,
            meters: Iterable[str] = METERS, samples: int = DEFAULT_SOBOL_SAMPLES,
            seed: int = DEFAULT_SEED, scale: str = "log") -> list[SensitivityRow]:
    """Rank the assumptions of one model footprint by their effect on each meter.

    Parameters
    ----------
    disclosure : Disclosure
        The report the footprint was reconstructed from.
    footprint : Footprint
        One model of it (:func:`audit.reconstruct.reconstruct_model`); its ``assumptions``
        say which registry rows were used (user overrides are kept as they were).
    meters : iterable of str
        Meters to analyse: any of ``emissions`` [tCO2e], ``cost`` [USD],
        ``training_compute`` [FLOP], ``accelerator_hours`` [hour], ``facility_energy``
        [MWh].  A meter that is reported, absent, or depends on no ranged assumption gives
        no rows.
    samples : int
        Base sample size N of the Sobol design (rounded up to a power of 2); the
        reconstruction runs once with N (D + 2) rows, D = number of ranged assumptions.
    seed : int
        Seed of the design, the bootstrap and the reconstruction.
    scale : {"log", "linear"}
        Indices of log(meter) (default) or of the meter.

    Returns
    -------
    list of SensitivityRow
        Per meter (in the order given), one row per assumption the meter depends on, by rank.

    Raises
    ------
    KeyError
        If the footprint's model is not in ``disclosure``.
    ValueError
        If a meter cannot be analysed (no Monte Carlo draws are kept for it) or ``scale`` is
        unknown.
    UnknownAssumptionError
        If the disclosure names an accelerator the registry lacks.

    Notes
    -----
    The per-accelerator TDP row (``tdp-...``) cannot be overridden by name; when it has a
    range it is varied through ``accelerator_power`` = TDP x ``tdp_fraction`` (both factors
    keep their own rows and indices).  Every assumption is re-run through
    :func:`audit.reconstruct.reconstruct_model`, so the analysis follows the same route as
    the footprint.
    """
    m = disclosure.model(footprint.model)
    if m.accelerator is None and footprint.accelerator:  # given with --assume accelerator
        m = dataclasses.replace(m, accelerator=footprint.accelerator)
    base, factors = _base(footprint)
    by_id = {f.id: f for f in factors}
    wanted: dict[str, list[Factor]] = {}
    for meter in meters:
        mt = footprint.meters.get(meter)
        if mt is None or mt.status == "reported":
            continue
        fs = [by_id[i] for i in mt.assumptions if i in by_id]
        if fs:
            wanted[meter] = fs
    if not wanted:
        return []

    def run(values: Mapping[str, Any], n: int) -> Footprint:
        return reconstruct_model(disclosure, m, overrides=_overrides(base, values),
                                 samples=n, seed=seed)

    central_fp = run({}, 1)
    for meter in wanted:
        if meter not in central_fp.draws:
            raise ValueError(f"meter {meter!r}: no Monte Carlo draws are kept for it; use one "
                             "of " + ", ".join(sorted(central_fp.draws)))
    used = list(dict.fromkeys(f for fs in wanted.values() for f in fs))
    swings: dict[str, tuple[Footprint, Footprint]] = {
        f.name: (run({f.name: f.low}, 1), run({f.name: f.high}, 1)) for f in used}

    def model(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n = len(next(iter(cols.values())))
        fp = run(cols, n)
        return {meter: fp.draws[meter] for meter in wanted}

    idx = sobol(used, model, samples=samples, seed=seed, scale=scale)
    rows: list[SensitivityRow] = []
    for meter, fs in wanted.items():
        mt = central_fp.meters[meter]
        cand = []
        for f in fs:
            lo_fp, hi_fp = swings[f.name]
            s1, st, s1c, stc = idx.get(meter, {}).get(f.name, (0.0, 0.0, 0.0, 0.0))
            cand.append(dict(report_id=footprint.report_id, model=footprint.model, meter=meter,
                             assumption=f.id, name=f.name,
                             swing_low=float(lo_fp.meters[meter].value),
                             swing_high=float(hi_fp.meters[meter].value), S1=s1, ST=st,
                             central=float(mt.value), unit=mt.unit, low=f.low, high=f.high,
                             S1_conf=s1c, ST_conf=stc, scale=scale))
        cand.sort(key=lambda r: (-round(r["S1"], 12), -round(r["ST"], 12),
                                 -abs(r["swing_high"] - r["swing_low"]), r["name"]))
        rows += [SensitivityRow(rank=i, **r) for i, r in enumerate(cand, start=1)]
    return rows


def sensitivity_frame(rows: Iterable[SensitivityRow]) -> pd.DataFrame:
    """``output/sensitivity.csv``: one row per report, model, meter and assumption.

    Returns
    -------
    pandas.DataFrame
        Columns report, model, meter, assumption (registry id), swing_low, swing_high (the
        meter in its unit: tCO2e, USD, FLOP), S1, ST, rank.
    """
    return pd.DataFrame([{"report": r.report_id, "model": r.model, "meter": r.meter,
                          "assumption": r.assumption, "swing_low": r.swing_low,
                          "swing_high": r.swing_high, "S1": r.S1, "ST": r.ST, "rank": r.rank}
                         for r in rows], columns=FRAME_COLUMNS)


def top_assumption(rows: Iterable[SensitivityRow],
                   meter: str = "emissions") -> SensitivityRow | None:
    """The assumption ``meter`` is most sensitive to (rank 1), or None.

    Parameters
    ----------
    rows : iterable of SensitivityRow
        The rows of one model (as :func:`analyse` returns them); with several models the
        first model's rank-1 row is returned.
    meter : str
        The meter (default ``emissions``).
    """
    return next((r for r in rows if r.meter == meter and r.rank == 1), None)


def describe(rows: Iterable[SensitivityRow], meter: str = "emissions") -> str:
    """One line for the audit sheet: which assumption ``meter`` is most sensitive to.

    Examples
    --------
    ``emissions is most sensitive to tdp_fraction (tdp-fraction-default, range 0.5-1):
    S1 0.79, ST 0.80; 971-1,770 tCO2e at its low/high (central 1,330)``
    """
    top = top_assumption(list(rows), meter)
    if top is None:
        return f"{meter}: no ranged assumption (reported, or not estimated)"
    return (f"{meter} is most sensitive to {top.name} ({top.assumption}, range "
            f"{top.low:g}-{top.high:g}): S1 {top.S1:.2f}, ST {top.ST:.2f}; "
            f"{top.swing_low:,.4g}-{top.swing_high:,.4g} {top.unit} at its low/high "
            f"(central {top.central:,.4g})")


__all__ = ["Factor", "SensitivityRow", "analyse", "sensitivity_frame", "top_assumption",
           "describe", "sobol", "METERS", "DEFAULT_SOBOL_SAMPLES"]
