"""Reconstruction: fill the missing meters of a disclosure with sourced assumptions.

The meters are tied by (DESIGN.md section 7)::

    accelerator_hours = training_compute / (peak_throughput * mfu)
    it_energy         = accelerator_hours * accelerator_power
    facility_energy   = it_energy * pue
    emissions         = facility_energy * carbon_intensity
    cost              = accelerator_hours * gpu_hour_price
    training_compute ~= 6 * n_active_parameters * n_tokens

The meter functions live in :mod:`audit.meters`; the route through them is chosen here from
what the report disclosed and recorded in ``Footprint.route``.
Every input is a pint Quantity; every meter function works on scalars and on numpy arrays
of Monte Carlo samples alike, so the central value and the 5-95 % interval come from the
same code.  A reported meter is kept as reported; a derived one names its function (the
method) and inputs; an assumed input names its registry row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from audit import assumptions as reg
from audit import consistency, reported_carbon
from audit.errors import MissingInputError
from audit.meters import (
    accelerator_hours_from_compute,
    accelerator_hours_from_count_duration,
    accelerator_hours_from_rate,
    accelerator_power_from_tdp,
    compute_from_accelerator_hours,
    compute_from_params_tokens,
    cost_from_accelerator_hours,
    embodied_emissions_from_hours,
    emissions_from_energy,
    energy_from_accelerator_hours,
    facility_energy_from_it_energy,
    facility_energy_from_pue_adjusted_power,
    with_checkpoint_overhead,
    with_development_multiplier,
)
from audit.records import Disclosure, Figure, Footprint, Meter, ModelDisclosure, Warning_
from audit.units import Q_, check_dimension, parse_unit, to_field_unit

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20_240_601


# --- Monte Carlo inputs ------------------------------------------------------------------

def sample(a: reg.Assumption, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` samples of assumption ``a`` from its distribution (magnitudes in a.unit)."""
    lo, mode, hi = a.low, a.value, a.high
    if a.distribution == "given":
        if a.draws is None or len(a.draws) != n:
            raise ValueError(f"assumption {a.id}: 'given' needs exactly {n} draws")
        return np.asarray(a.draws, dtype=float)
    if a.distribution == "fixed" or lo == hi:
        return np.full(n, mode, dtype=float)
    if a.distribution == "uniform":
        return rng.uniform(lo, hi, n)
    if a.distribution == "loguniform" and lo > 0:
        return np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    if a.distribution == "split-uniform":
        return reg.split_uniform_ppf(rng.uniform(0, 1, n), lo, min(max(mode, lo), hi), hi)
    return rng.triangular(lo, min(max(mode, lo), hi), hi, n)


@dataclass
class _Run:
    """Central values and sample arrays of every input and meter of one model."""

    n: int
    rng: np.random.Generator
    central: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, Any] = field(default_factory=dict)
    meters: dict[str, Meter] = field(default_factory=dict)
    used: dict[str, reg.Assumption] = field(default_factory=dict)
    assumed_inputs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    route: list[str] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    #: names whose value is a reported figure (not overridden)
    reported_names: set[str] = field(default_factory=set)
    #: scope of each value (pretraining, ...): a reported figure's, inherited by what it derives
    scope: dict[str, str] = field(default_factory=dict)

    def set_reported(self, name: str, fig: Figure) -> None:
        q = to_field_unit(fig.quantity, _dim(name))
        self.central[name] = q
        self.samples[name] = Q_(np.full(self.n, float(q.magnitude)), q.units)
        self.assumed_inputs[name] = ()
        self.reported_names.add(name)
        if fig.scope:
            self.scope[name] = fig.scope

    def set_assumed(self, name: str, a: reg.Assumption, scale: Any = None) -> None:
        q = a.q if scale is None else a.q * scale
        s = Q_(sample(a, self.n, self.rng), a.unit)
        if scale is not None:
            s = s * scale
        self.central[name] = q
        self.samples[name] = s
        self.used[a.id] = a
        self.assumed_inputs[name] = (a.id,)
        self.reported_names.discard(name)

    def derive(self, name: str, fn, *inputs: str, unit: str) -> None:
        self.central[name] = fn(*(self.central[i] for i in inputs)).to(unit)
        self.samples[name] = fn(*(self.samples[i] for i in inputs)).to(unit)
        self.assumed_inputs[name] = tuple(
            dict.fromkeys(x for i in inputs for x in self.assumed_inputs.get(i, ())))
        scopes = [self.scope[i] for i in inputs if i in self.scope]
        if scopes:
            self.scope[name] = scopes[0]
        self.route.append(fn.__name__)

    def meter(self, name: str, fig: Figure | None = None, method: str | None = None,
              inputs: tuple[str, ...] = ()) -> None:
        q = self.central[name]
        if fig is not None:
            derived = fig.status == "derived"  # worked out by extraction (method, inputs)
            self.meters[name] = Meter(value=float(fig.value), unit=fig.unit,
                                      status="derived" if derived else "reported",
                                      method=fig.method if derived else None,
                                      inputs=tuple(fig.inputs) if derived else (),
                                      page=fig.page, section=fig.section, locator=fig.locator,
                                      text=fig.text, basis=fig.basis, scope=fig.scope,
                                      bound=fig.bound, low=float(fig.value),
                                      high=float(fig.value))
            return
        s = self.samples[name].to(q.units).magnitude
        lo, hi = (float(v) for v in np.percentile(s, [5, 95]))
        assumed = self.assumed_inputs.get(name, ())
        status = "derived" if method else "assumed"
        self.meters[name] = Meter(value=float(q.magnitude), unit=f"{q.units:~}", status=status,
                                  low=lo, high=hi, method=method, inputs=inputs,
                                  assumptions=assumed, scope=self.scope.get(name))


def _dim(name: str) -> str:
    return {"it_energy": "energy", "facility_energy": "energy",
            "emissions_market": "emissions"}.get(name, name)


def _pick(m: ModelDisclosure, name: str, basis: str | None = "any") -> Figure | None:
    """The figure of ``name`` that stands for the whole run (total scope first)."""
    figs = [f for f in m.get(name) if f.value is not None
            and (basis == "any" or f.basis == basis)]
    if not figs:
        return None
    for pref in ("total", None, "pretraining"):
        hit = [f for f in figs if f.scope == pref]
        if hit:
            return max(hit, key=lambda f: (f.locator != "text", f.quantity.to_base_units()
                                           .magnitude))
    return max(figs, key=lambda f: f.quantity.to_base_units().magnitude)


def _assumption(name: str, overrides: dict[str, reg.Assumption], applies_to: str | None,
                year: int | None, fallback: str) -> reg.Assumption:
    if name in overrides:
        return overrides[name]
    return reg.lookup(name, applies_to, year, fallback)


def reconstruct_model(d: Disclosure, m: ModelDisclosure, *,
                      overrides: dict[str, reg.Assumption] | None = None,
                      samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Footprint:
    """Reconstruct the meters of one model row, with implied quantities and checks.

    Parameters
    ----------
    d : Disclosure
        The report.
    m : ModelDisclosure
        One of ``d.models``.
    overrides : dict, optional
        Assumptions given by the user (:func:`audit.assumptions.override`), by name; they
        replace both registry assumptions and reported inputs and are recorded as overrides.
        ``checkpoint_overhead`` and ``development_multiplier`` are off unless given here;
        given, they scale GPU-hours, energy, emissions, cost and embodied emissions (the
        final-run values are kept as ``<meter>_final_run``).
    samples : int
        Monte Carlo samples (default 10,000).
    seed : int
        Seed of the random generator; the same seed gives the same result.

    Returns
    -------
    Footprint
        Meters (reported, derived or assumed, each with a 5-95 % interval), the implied
        quantities of :mod:`audit.consistency`, ``embodied_emissions`` (never added to
        ``emissions``), the route, the assumptions used and the warnings: the disclosure's
        own for this row, Total-row checks, and the consistency checks.

    Raises
    ------
    UnknownAssumptionError
        If the model names an accelerator the registry lacks.

    Notes
    -----
    An ``accelerator`` override (``--assume accelerator=ID``) is used only for a model whose
    report names no accelerator, with an ``ACCELERATOR_GIVEN`` warning.
    """
    overrides = overrides or {}
    r = _Run(samples, np.random.default_rng(seed))
    year = m.year or d.source.get("year")
    if m.accelerator is None and "accelerator" in overrides:
        given = overrides["accelerator"].applies_to
        m = replace(m, accelerator=given)
        said = (f"the report's accelerator {m.accelerator_printed!r} is not in the registry"
                if m.accelerator_printed else "the report names no accelerator")
        r.warnings.append(Warning_(
            "ACCELERATOR_GIVEN", f"{said}; using {given}, given with --assume accelerator "
            "(your override, not a disclosure)", model=m.name, field="accelerator"))
    acc = reg.accelerator(m.accelerator) if m.accelerator else None

    reported: dict[str, Figure] = {}
    for name in ("accelerator_hours", "training_compute", "accelerator_count",
                 "training_duration", "n_parameters", "n_active_parameters", "n_tokens",
                 "accelerator_hours_per_trillion_tokens", "accelerator_power", "pue",
                 "carbon_intensity", "cost", "gpu_hour_price", "it_energy",
                 "facility_energy", "mfu"):
        f = _pick(m, name)
        if f is not None:
            reported[name] = f
    energy = _pick(m, "energy")
    em_loc = _pick(m, "emissions", "location") or _pick(m, "emissions", None)
    em_mkt = _pick(m, "emissions", "market")
    for name, fig in reported.items():
        if name in overrides:
            continue
        r.set_reported(name, fig)
    for name, a in overrides.items():
        r.set_assumed(name, a)
    if "pue" in r.reported_names:
        r.warnings += [w for w in consistency.check_pue(
            float(r.central["pue"].magnitude), m.name, "reported") if w.code == "PUE_BELOW_1"]

    # training compute by operation counting (6ND) and the parameter count it uses
    n_key = "n_active_parameters" if "n_active_parameters" in r.central else "n_parameters"
    if n_key in r.central and "n_tokens" in r.central:
        r.derive("training_compute_6nd", compute_from_params_tokens, n_key, "n_tokens",
                 unit="FLOP")
        r.meter("training_compute_6nd", method="compute_from_params_tokens",
                inputs=(n_key, "n_tokens"))

    # accelerator-hours
    if "accelerator_hours" in r.central:
        r.meter("accelerator_hours", reported["accelerator_hours"])
    elif "accelerator_count" in r.central and "training_duration" in r.central:
        r.derive("accelerator_hours", accelerator_hours_from_count_duration,
                 "accelerator_count", "training_duration", unit="hour")
        r.meter("accelerator_hours", method="accelerator_hours_from_count_duration",
                inputs=("accelerator_count", "training_duration"))
    elif "accelerator_hours_per_trillion_tokens" in r.central and "n_tokens" in r.central:
        r.derive("accelerator_hours", accelerator_hours_from_rate,
                 "accelerator_hours_per_trillion_tokens", "n_tokens", unit="hour")
        r.meter("accelerator_hours", method="accelerator_hours_from_rate",
                inputs=("accelerator_hours_per_trillion_tokens", "n_tokens"))

    peak_known = acc is not None
    if peak_known:
        r.central["peak_throughput"] = acc.peak(m.precision)
        r.samples["peak_throughput"] = Q_(np.full(samples, r.central["peak_throughput"]
                                                  .magnitude), "FLOP/s")
        r.assumed_inputs["peak_throughput"] = ()
    achieved = _pick(m, "achieved_throughput")
    if peak_known and "mfu" not in r.central and achieved is not None:
        _mfu_from_throughput(r, m, achieved)
    if peak_known and "mfu" not in r.central:
        pre2021 = year is not None and year < 2021
        r.set_assumed("mfu", _assumption("mfu", overrides, "pre-2021" if pre2021 else None,
                                         year, "default"))

    # training compute: reported, else 6ND, else hardware time
    if "training_compute" in r.central:
        r.meter("training_compute", reported.get("training_compute"))
    if peak_known and "accelerator_hours" in r.central:
        r.derive("training_compute_hardware", compute_from_accelerator_hours,
                 "accelerator_hours", "peak_throughput", "mfu", unit="FLOP")
        r.meter("training_compute_hardware", method="compute_from_accelerator_hours",
                inputs=("accelerator_hours", "peak_throughput", "mfu"))
    if "training_compute" not in r.central:
        src = ("training_compute_6nd" if "training_compute_6nd" in r.central
               else "training_compute_hardware" if "training_compute_hardware" in r.central
               else None)
        if src:
            r.central["training_compute"] = r.central[src]
            r.samples["training_compute"] = r.samples[src]
            r.assumed_inputs["training_compute"] = r.assumed_inputs[src]
            r.meters["training_compute"] = r.meters[src]

    if "accelerator_hours" not in r.central and peak_known and "training_compute" in r.central:
        r.derive("accelerator_hours", accelerator_hours_from_compute, "training_compute",
                 "peak_throughput", "mfu", unit="hour")
        r.meter("accelerator_hours", method="accelerator_hours_from_compute",
                inputs=("training_compute", "peak_throughput", "mfu"))
    if "training_compute_6nd" in r.central and "training_compute_hardware" in r.central:
        ratio = (r.central["training_compute_6nd"] / r.central["training_compute_hardware"]
                 ).to("dimensionless").magnitude
        r.warnings.append(Warning_("COMPUTE_METHODS_RATIO",
                                   f"6ND / hardware-time compute = {ratio:.2f}",
                                   model=m.name, field="training_compute"))

    if energy is not None and "it_energy" not in reported and "facility_energy" not in reported:
        consistency.place_energy(r, m.name, energy, em_loc)
    _energy(r, d, m, acc, overrides, year)

    # emissions: location-based (or unspecified basis) derived; market-based only reported
    if em_loc is not None:
        r.set_reported("emissions", em_loc)
        r.meter("emissions", em_loc)
    elif "facility_energy" in r.central:
        if "carbon_intensity" not in r.central:
            r.set_assumed("carbon_intensity", _intensity_assumption(r, m, overrides, year))
        r.derive("emissions", emissions_from_energy, "facility_energy", "carbon_intensity",
                 unit="tCO2e")
        r.meter("emissions", method="emissions_from_energy",
                inputs=("facility_energy", "carbon_intensity"))
        r.meters["emissions"] = replace(r.meters["emissions"], basis="location")
    if em_mkt is not None:
        r.set_reported("emissions_market", em_mkt)
        r.meter("emissions_market", em_mkt)

    # cost
    if "cost" in r.central:
        r.meter("cost", reported["cost"])
    elif "accelerator_hours" in r.central:
        if "gpu_hour_price" not in r.central:
            r.set_assumed("gpu_hour_price", _assumption(
                "gpu_hour_price", overrides, _price_key(acc), year, "default"))
        r.derive("cost", cost_from_accelerator_hours, "accelerator_hours", "gpu_hour_price",
                 unit="USD")
        r.meter("cost", method="cost_from_accelerator_hours",
                inputs=("accelerator_hours", "gpu_hour_price"))

    consistency.apply(r, m.name, None if acc is None else (acc.tdp_low_w, acc.tdp_high_w),
                      r.central.get("carbon_intensity") if "carbon_intensity" in
                      r.reported_names else None)
    reported_carbon.check_reported_emissions(
        r, m.name, accelerator_id=m.accelerator, tdp_w=None if acc is None else acc.tdp_w,
        location=m.location, year=year, made_with_calculator=reported_carbon.calculator_made(
            m.get("emissions")))
    emb = _pick(m, "embodied_emissions")
    if emb is not None:
        r.set_reported("embodied_emissions", emb)
        r.meter("embodied_emissions", emb)
    elif "accelerator_hours" in r.central:
        _embodied(r, acc, overrides, year)
    opted = tuple(k for k in OPT_IN if k in overrides)
    if opted:
        _apply_overheads(r, opted)

    for name in ("pue", "carbon_intensity", "gpu_hour_price", "mfu", "accelerator_power"):
        if name in r.central and name not in r.meters and name in r.assumed_inputs:
            fig = reported.get(name) if name not in overrides else None
            if fig is not None:
                r.meter(name, fig)
            else:
                r.meter(name)
    own = [w for w in d.warnings if w.model == m.name]
    seen = {(w.code, w.field) for w in own}
    own += [w for w in consistency.total_row_warnings(d, m) if (w.code, w.field) not in seen]
    return Footprint(report_id=d.report_id, model=m.name, kind=m.kind,
                     meters=dict(sorted(r.meters.items(), key=lambda kv: _ORDER.get(kv[0], 99))),
                     route=tuple(dict.fromkeys(r.route)), accelerator=m.accelerator,
                     assumptions=tuple(a.to_dict() for a in r.used.values()),
                     warnings=tuple(own + r.warnings), samples=samples, seed=seed,
                     draws={k: r.samples[k].to(parse_unit(r.meters[k].unit)).magnitude
                            for k in _DRAWN if k in r.meters and k in r.samples})


#: opt-in multipliers on the final run (off unless given as overrides)
OPT_IN = ("checkpoint_overhead", "development_multiplier")


def _energy(r: _Run, d: Disclosure, m: ModelDisclosure, acc: reg.Accelerator | None,
            overrides: dict[str, reg.Assumption], year: int | None) -> None:
    """IT and facility energy from what is reported, never applying a PUE twice."""
    has_hours = "accelerator_hours" in r.central
    power_rep = "accelerator_power" in r.reported_names
    if "facility_energy" not in r.central and "it_energy" not in r.central and has_hours:
        if "accelerator_power" not in r.central:
            if acc is None:
                r.warnings.append(Warning_("NO_ACCELERATOR", "no accelerator named: energy "
                                           "cannot be reconstructed without assuming one",
                                           model=m.name, field="energy"))
            else:
                frac = _assumption("tdp_fraction", overrides, None, year, "default")
                tdp = reg.Assumption(id=f"tdp-{acc.id}", quantity="tdp", value=acc.tdp_w,
                                     unit="W", low=acc.tdp_low_w, high=acc.tdp_high_w,
                                     distribution="triangular", applies_to=acc.id,
                                     year=acc.year, source_id=acc.source_id,
                                     locator=acc.locator)
                r.set_assumed("tdp", tdp)
                r.set_assumed("tdp_fraction", frac)
                r.derive("accelerator_power", accelerator_power_from_tdp, "tdp", "tdp_fraction",
                         unit="W")
                r.meter("accelerator_power", method="accelerator_power_from_tdp",
                        inputs=("tdp", "tdp_fraction"))
        if "accelerator_power" in r.central:
            if power_rep and "pue" not in r.central and consistency.pue_in_power(d, m):
                r.derive("facility_energy", facility_energy_from_pue_adjusted_power,
                         "accelerator_hours", "accelerator_power", unit="MWh")
                r.meter("facility_energy", method="facility_energy_from_pue_adjusted_power",
                        inputs=("accelerator_hours", "accelerator_power"))
                return
            r.derive("it_energy", energy_from_accelerator_hours, "accelerator_hours",
                     "accelerator_power", unit="MWh")
            r.meter("it_energy", method="energy_from_accelerator_hours",
                    inputs=("accelerator_hours", "accelerator_power"))
    elif "it_energy" in r.reported_names:
        r.meter("it_energy", _figure(m, "it_energy", "energy"))
    if "facility_energy" in r.central:
        r.meter("facility_energy", _figure(m, "facility_energy", "energy"))
        if "it_energy" not in r.central and has_hours and power_rep:
            r.derive("it_energy", energy_from_accelerator_hours, "accelerator_hours",
                     "accelerator_power", unit="MWh")
            r.meter("it_energy", method="energy_from_accelerator_hours",
                    inputs=("accelerator_hours", "accelerator_power"))
    elif "it_energy" in r.central:
        if "pue" not in r.central:
            r.set_assumed("pue", _pue_assumption(r, m, overrides, year))
            if power_rep and "it_energy" not in r.reported_names:
                r.warnings.append(Warning_(
                    "PUE_ASSUMED_ON_REPORTED_POWER",
                    f"the report gives power per accelerator but no PUE: assumed PUE "
                    f"{r.central['pue'].magnitude:g} ({r.assumed_inputs['pue'][0]}) is applied "
                    "on top; "
                    "if the reported power already includes PUE (Meta's cards say theirs is "
                    "'adjusted for power usage effectiveness'), facility energy is "
                    "overstated by that factor", model=m.name, field="pue"))
        r.derive("facility_energy", facility_energy_from_it_energy, "it_energy", "pue",
                 unit="MWh")
        r.meter("facility_energy", method="facility_energy_from_it_energy",
                inputs=("it_energy", "pue"))


def _mfu_from_throughput(r: _Run, m: ModelDisclosure, achieved: Figure) -> None:
    """MFU = achieved throughput per accelerator / its dense peak (BLOOM's card: "About 150
    TFLOP per GPU per second" on A100s, 312 TFLOP/s in bf16: 0.48), a derived input in place
    of the registry's MFU; an implausible ratio (over 1) is warned about and not used."""
    mfu = float((achieved.quantity / r.central["peak_throughput"]).to("dimensionless")
                .magnitude)
    if not 0 < mfu <= 1:
        r.warnings.append(Warning_(
            "THROUGHPUT_ABOVE_PEAK", f"achieved {achieved.value:g} {achieved.unit} per "
            f"accelerator is {mfu:.2f} x the dense peak: not used as MFU", model=m.name,
            field="mfu"))
        return
    fig = Figure(field="mfu", value=round(mfu, 4), unit="dimensionless", status="derived",
                 method="mfu_from_achieved_throughput", text=achieved.text,
                 page=achieved.page, section=achieved.section, locator=achieved.locator,
                 inputs=(f"achieved_throughput {achieved.value:g} {achieved.unit}",
                         f"peak_throughput {r.central['peak_throughput']:~g}"))
    r.set_reported("mfu", fig)
    r.meter("mfu", fig)


def _figure(m: ModelDisclosure, name: str, alias: str) -> Figure | None:
    return _pick(m, name) or _pick(m, alias)


def _pue_assumption(r: _Run, m: ModelDisclosure, overrides: dict[str, reg.Assumption],
                    year: int | None) -> reg.Assumption:
    if "pue" in overrides:
        return overrides["pue"]
    a = reg.lookup("pue", m.operator, year, "unknown")
    if m.operator and a.applies_to.lower() != m.operator.lower():
        r.warnings.append(Warning_("PUE_OPERATOR_NOT_FOUND",
                                   f"no PUE row for operator {m.operator!r}: used {a.id}",
                                   model=m.name, field="pue"))
    return a


def _intensity_assumption(r: _Run, m: ModelDisclosure, overrides: dict[str, reg.Assumption],
                          year: int | None) -> reg.Assumption:
    if "carbon_intensity" in overrides:
        return overrides["carbon_intensity"]
    a, note = reg.carbon_intensity_for(m.location, year)
    if note is not None:
        r.warnings.append(Warning_(note[0], note[1], model=m.name, field="carbon_intensity"))
    return a


def _embodied(r: _Run, acc: reg.Accelerator | None, overrides: dict[str, reg.Assumption],
              year: int | None) -> None:
    r.set_assumed("embodied_per_accelerator", _assumption(
        "embodied_emissions", overrides, acc.id if acc else None, year, "default"))
    for name in ("hardware_lifetime", "hardware_utilisation"):
        r.set_assumed(name, _assumption(name, overrides, acc.id if acc else None, year,
                                        "default"))
    r.derive("embodied_emissions", embodied_emissions_from_hours, "accelerator_hours",
             "embodied_per_accelerator", "hardware_lifetime", "hardware_utilisation",
             unit="tCO2e")
    r.meter("embodied_emissions", method="embodied_emissions_from_hours",
            inputs=("accelerator_hours", "embodied_per_accelerator", "hardware_lifetime",
                    "hardware_utilisation"))


_SCALED = ("accelerator_hours", "it_energy", "facility_energy", "emissions", "cost",
           "embodied_emissions")


def _apply_overheads(r: _Run, opted: tuple[str, ...]) -> None:
    """Scale the run's meters by the opted-in overheads; keep ``<meter>_final_run``."""
    fns = {"checkpoint_overhead": with_checkpoint_overhead,
           "development_multiplier": with_development_multiplier}
    for name in _SCALED:
        if name not in r.meters:
            continue
        base = f"{name}_final_run"
        r.meters[base] = r.meters[name]
        for store in (r.central, r.samples, r.assumed_inputs, r.scope):
            if name in store:
                store[base] = store[name]
        unit = f"{r.central[base].units}"
        for k in opted:
            r.derive(name, fns[k], name, k, unit=unit)
        if "development_multiplier" in opted:
            r.scope[name] = "development (whole project)"
        r.meter(name, method=fns[opted[-1]].__name__, inputs=(base, *opted))
        r.meters[name] = replace(r.meters[name], basis=r.meters[base].basis)


_DRAWN = ("training_compute", "training_compute_6nd", "training_compute_hardware",
          "accelerator_hours", "facility_energy", "emissions", "cost")
_ORDER = {k: i for i, k in enumerate((
    "accelerator_hours", "training_compute", "training_compute_6nd",
    "training_compute_hardware", "accelerator_power", "it_energy", "pue", "facility_energy",
    "carbon_intensity", "emissions", "emissions_market", "gpu_hour_price", "cost", "mfu",
    "energy", "implied_mfu", "implied_accelerator_power", "implied_pue",
    "implied_carbon_intensity", "embodied_emissions", "accelerator_hours_final_run",
    "it_energy_final_run", "facility_energy_final_run", "emissions_final_run",
    "cost_final_run", "embodied_emissions_final_run"))}


def _price_key(acc: reg.Accelerator | None) -> str | None:
    if acc is None:
        return None
    prices = {a.applies_to for a in reg.registry().values() if a.quantity == "gpu_hour_price"}
    if acc.id in prices:
        return acc.id
    # variant without its own price row: use the family row (nvidia-a100-sxm4-80gb -> nvidia-a100)
    family = "-".join(acc.id.split("-")[:2])
    return family if family in prices else None


def reconstruct(d: Disclosure, *, overrides: dict[str, reg.Assumption] | None = None,
                samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> list[Footprint]:
    """Reconstruct every model row of a disclosure (see :func:`reconstruct_model`).

    Raises
    ------
    UnknownAssumptionError
        If a row names an accelerator, operator or region the registry lacks.
    """
    return [reconstruct_model(d, m, overrides=overrides, samples=samples, seed=seed)
            for m in d.models]


def estimate(inputs: dict[str, Any], *, speedup: Any = None) -> dict[str, Any]:
    """The calculator: meters from explicit inputs (no registry, no sampling).

    Parameters
    ----------
    inputs : dict of str to pint.Quantity
        Any of ``training_compute`` [FLOP] or ``accelerator_hours`` [hour],
        ``peak_throughput`` [FLOP/s], ``mfu``, ``accelerator_power`` [W], ``pue``,
        ``carbon_intensity`` [gCO2e/kWh], ``gpu_hour_price`` [USD/hour].
    speedup : pint.Quantity [dimensionless], optional
        Throughput factor applied to the peak (e.g. FP8 over BF16).

    Returns
    -------
    dict of str to pint.Quantity
        accelerator_hours, it_energy, facility_energy, emissions, cost (those computable).

    Raises
    ------
    MissingInputError
        If neither accelerator_hours nor training_compute with peak_throughput and mfu is
        given.
    UnitError
        If an input has the wrong dimension.
    AssumptionRangeError
        If an input is NaN, infinite, zero or negative where it must be positive (speedup
        included), or a PUE below 1.
    """
    out: dict[str, Any] = {}
    for k, v in inputs.items():
        check_dimension(v, k)
        reg.check_value(k, v)
    if speedup is not None:
        reg.check_value("speedup", check_dimension(speedup, "speedup"))
    if "accelerator_hours" in inputs:
        out["accelerator_hours"] = inputs["accelerator_hours"].to("hour")
    elif all(k in inputs for k in ("training_compute", "peak_throughput", "mfu")):
        out["accelerator_hours"] = accelerator_hours_from_compute(
            inputs["training_compute"], inputs["peak_throughput"], inputs["mfu"], speedup)
    else:
        raise MissingInputError("estimate needs --accelerator-hours, or --training-compute "
                                "with --peak-throughput and --mfu")
    if "training_compute" in inputs:
        out["training_compute"] = inputs["training_compute"].to("FLOP")
    h = out["accelerator_hours"]
    if "accelerator_power" in inputs:
        out["it_energy"] = energy_from_accelerator_hours(h, inputs["accelerator_power"])
        if "pue" in inputs:
            out["facility_energy"] = facility_energy_from_it_energy(out["it_energy"],
                                                                    inputs["pue"])
        if "carbon_intensity" in inputs and "facility_energy" in out:
            out["emissions"] = emissions_from_energy(out["facility_energy"],
                                                     inputs["carbon_intensity"])
    if "gpu_hour_price" in inputs:
        out["cost"] = cost_from_accelerator_hours(h, inputs["gpu_hour_price"])
    return out
