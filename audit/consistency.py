"""Consistency checks: what two disclosed meters imply about the quantity between them.

When a report discloses two meters that the chain of DESIGN.md section 7 ties together, the
quantity between them is implied, and can be checked against a plausible range:

=============================  ==============================================  ============
implied quantity               from                                            plausible
=============================  ==============================================  ============
``implied_mfu``                training compute / (GPU-hours x dense peak)     0.05 - 0.7
``implied_accelerator_power``  energy / GPU-hours                              ~TDP x PUE
``implied_carbon_intensity``   emissions / facility energy                     0 - 1,200 g
``implied_pue``                facility energy / (GPU-hours x power)           >= 1
=============================  ==============================================  ============

:func:`classify_energy` decides whether a printed energy is IT- or facility-level from the
same evidence (hours x power [x PUE] ~ energy), so that a PUE is never applied twice.
:func:`apply` adds the implied quantities to a reconstruction as ``derived`` meters (with
5-95 % intervals, as every other meter) and the warnings to its footprint;
:func:`total_row_warnings` checks a table's Total row against the sum of its rows.

Every function here is pure and works on pint Quantities, scalars or numpy arrays alike.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from audit.records import Disclosure, Figure, ModelDisclosure, Warning_
from audit.units import Q_  # noqa: F401 - the Q_ of the examples below

#: Model FLOPs utilisation above this is implausible for a whole training run [-]: of the 62
#: MFUs in Epoch AI's notable-models table (column "Hardware utilization (MFU)") 60 are at or
#: below 0.58 (GPT-J 0.60; the one 0.72 is a FlashAttention-2 benchmark of a 2.7B model).
MFU_HIGH = 0.7
#: Below this, the hours or the compute probably count something else [-].
MFU_LOW = 0.05
#: No national or regional grid averages outside this range [gCO2e/kWh]; the dirtiest national
#: grids are ~700-900 (OWID carbon_intensity_elec, 2023) and coal plants ~1,000-1,100.
INTENSITY_RANGE = (0.0, 1200.0)
#: Relative difference above which a printed energy disagrees with hours x power x PUE [-].
ENERGY_TOLERANCE = 0.10
#: Relative difference that printing (rounding to 2-3 significant figures) explains [-].
ROUNDING_TOLERANCE = 0.02
#: Largest facility / IT ratio taken as a PUE when the report gives none [-] (Uptime Institute
#: survey averages 1.56-1.58; 2.0 allows for older facilities).
PUE_MAX = 2.0
#: Implied power per accelerator outside [low x TDP_low, high x TDP_high] is implausible [-]:
#: the energy may include host servers and PUE (x2), or be for far fewer hours (x0.25).
POWER_FACTORS = (0.25, 2.0)

IMPLIED = ("implied_mfu", "implied_accelerator_power", "implied_pue",
           "implied_carbon_intensity")


# --- implied quantities (pure, pint in and out) -------------------------------------------

def implied_mfu(training_compute, accelerator_hours, peak_throughput):  # noqa: ANN001, ANN201
    """Model FLOPs utilisation implied by a training compute and the GPU-hours it took.

    Parameters
    ----------
    training_compute : pint.Quantity [FLOP]
    accelerator_hours : pint.Quantity [hour]
    peak_throughput : pint.Quantity [FLOP/s], dense, per chip

    Returns
    -------
    pint.Quantity [dimensionless]
        MFU = C / (hours x peak).

    Raises
    ------
    pint.DimensionalityError
        If an input has the wrong dimension.

    References
    ----------
    Chowdhery et al. 2022 (PaLM), arXiv 2204.02311, appendix B (definition of MFU).

    Examples
    --------
    >>> implied_mfu(Q_(2.5e24, "FLOP"), Q_(8.4e6, "hour"), Q_(2.75e14, "FLOP/s"))
    <Quantity(0.300625301, 'dimensionless')>
    """
    return (training_compute / (accelerator_hours * peak_throughput)).to("dimensionless")


def implied_accelerator_power(energy, accelerator_hours):  # noqa: ANN001, ANN201
    """Mean power per accelerator implied by an energy and GPU-hours.

    Parameters
    ----------
    energy : pint.Quantity [MWh]
        At the level printed (IT or facility: a facility energy gives power x PUE).
    accelerator_hours : pint.Quantity [hour]

    Returns
    -------
    pint.Quantity [W]

    Raises
    ------
    pint.DimensionalityError
        If an input has the wrong dimension.

    Examples
    --------
    >>> implied_accelerator_power(Q_(433.196, "MWh"), Q_(1_082_990, "hour"))
    <Quantity(400.0, 'watt')>
    """
    return (energy / accelerator_hours).to("W")


def implied_carbon_intensity(emissions, facility_energy):  # noqa: ANN001, ANN201
    """Grid carbon intensity implied by emissions and the facility energy that caused them.

    Parameters
    ----------
    emissions : pint.Quantity [tCO2e], location-based
    facility_energy : pint.Quantity [MWh]

    Returns
    -------
    pint.Quantity [gCO2e/kWh]

    Raises
    ------
    pint.DimensionalityError
        If an input has the wrong dimension.

    Examples
    --------
    >>> round(implied_carbon_intensity(Q_(552, "tCO2e"), Q_(1287, "MWh")).magnitude, 1)
    428.9
    """
    return (emissions / facility_energy).to("gCO2e/kWh")


def implied_pue(facility_energy, it_energy):  # noqa: ANN001, ANN201
    """Power usage effectiveness implied by a facility energy and the IT energy [-].

    Parameters
    ----------
    facility_energy : pint.Quantity [MWh]
    it_energy : pint.Quantity [MWh]
        GPU-hours x power per accelerator.

    Returns
    -------
    pint.Quantity [dimensionless]

    Raises
    ------
    pint.DimensionalityError
        If an input has the wrong dimension.

    References
    ----------
    The Green Grid, White Paper 49, "PUE: a comprehensive examination of the metric" (2012).
    """
    return (facility_energy / it_energy).to("dimensionless")


def relative_difference(a: float, b: float) -> float:
    """|a - b| / |b| [-] (infinite when b is 0 and a is not)."""
    if b == 0:
        return 0.0 if a == 0 else math.inf
    return abs(a - b) / abs(b)


# --- the level of a printed energy -----------------------------------------------------------

@dataclass(frozen=True)
class EnergyLevel:
    """Where a printed energy sits in the chain, and the evidence for it.

    Attributes
    ----------
    level : str
        ``facility`` (x PUE already in), ``it`` (accelerators only) or ``unknown``.
    ratio : float or None
        energy / (GPU-hours x power) [-], when both are disclosed.
    expected : float or None
        The ratio the chosen level predicts (1 for IT, the PUE for facility) [-].
    evidence : str
        One sentence for the audit sheet.
    mismatch : bool
        True when the energy agrees with no level within :data:`ENERGY_TOLERANCE`.
    pue_twice : bool
        True when energy ~ hours x power x PUE x PUE: the report applied its PUE twice.
    implied_pue : float or None
        emissions / (energy x intensity), when that ratio is a PUE and no PUE is reported:
        the energy is IT-level and the report's emissions carry this PUE [-].
    """

    level: str
    ratio: float | None
    expected: float | None
    evidence: str
    mismatch: bool = False
    pue_twice: bool = False
    implied_pue: float | None = None


def _mag(q: Any, unit: str) -> float:
    return float(q.to(unit).magnitude)


def classify_energy(energy, *, accelerator_hours=None, accelerator_power=None,  # noqa: ANN001
                    pue=None, emissions=None, carbon_intensity=None) -> EnergyLevel:
    """Decide from the disclosed figures whether a printed energy is IT or facility energy.

    Parameters
    ----------
    energy : pint.Quantity [MWh]
        The energy as printed, level not stated.
    accelerator_hours : pint.Quantity [hour], optional
    accelerator_power : pint.Quantity [W], optional
        Reported mean power per accelerator.
    pue : pint.Quantity [dimensionless], optional
        The PUE the report gives (never an assumed one).
    emissions : pint.Quantity [tCO2e], optional
        Reported location-based emissions.
    carbon_intensity : pint.Quantity [gCO2e/kWh], optional
        Reported grid intensity.

    Returns
    -------
    EnergyLevel

    Raises
    ------
    pint.DimensionalityError
        If an input has the wrong dimension.

    Notes
    -----
    With GPU-hours H and power P disclosed, r = E / (H P):

    - a reported PUE: facility when r ~ PUE, IT when r ~ 1 (the closer in log space, within
      10 %); r ~ PUE^2 means the report applied PUE twice; anything else is a mismatch;
    - no reported PUE: IT when r is within 10 % below 1 or 2 % above (rounding), facility when
      1.02 < r <= 2 (r is then the implied PUE); anything else is a mismatch.

    Without H and P, emissions and intensity decide: facility when emissions ~ E x CI, IT when
    emissions ~ E x PUE x CI.  Without any of these the level is ``unknown``.

    Examples
    --------
    >>> classify_energy(Q_(36, "MWh"), accelerator_hours=Q_(82432, "hour"),
    ...                 accelerator_power=Q_(400, "W"), pue=Q_(1.1, "")).level
    'facility'
    """
    e = _mag(energy, "MWh")
    if accelerator_hours is not None and accelerator_power is not None:
        hp = _mag(accelerator_hours * accelerator_power, "MWh")
        if hp <= 0:
            return EnergyLevel("unknown", None, None, "GPU-hours x power is zero",
                               mismatch=True)
        r = e / hp
        if pue is not None:
            p = _mag(pue, "dimensionless")
            cands = {"it": 1.0, "facility": p}
            level = min(cands, key=lambda k: abs(math.log(r / cands[k])) if r > 0 else 0)
            if relative_difference(r, cands[level]) <= ENERGY_TOLERANCE:
                what = "x PUE " if level == "facility" else ""
                return EnergyLevel(level, r, cands[level],
                                   f"energy / (GPU-hours x power {what}) = "
                                   f"{r / cands[level]:.3f}")
            if p > 1 and relative_difference(r, p * p) <= ENERGY_TOLERANCE:
                return EnergyLevel("unknown", r, p * p,
                                   f"energy = GPU-hours x power x PUE^2 (ratio {r:.3f}, "
                                   f"PUE {p:g})", mismatch=True, pue_twice=True)
            return EnergyLevel("unknown", r, cands[level],
                               f"energy / (GPU-hours x power) = {r:.3f}: neither 1 (IT) nor "
                               f"the PUE {p:g} (facility)", mismatch=True)
        if 1 - ENERGY_TOLERANCE <= r <= 1 + ROUNDING_TOLERANCE:
            return EnergyLevel("it", r, 1.0, f"energy / (GPU-hours x power) = {r:.3f}")
        if 1 + ROUNDING_TOLERANCE < r <= PUE_MAX:
            return EnergyLevel("facility", r, r, f"energy / (GPU-hours x power) = {r:.3f}, "
                               "a PUE: the energy includes the facility overhead")
        return EnergyLevel("unknown", r, None, f"energy / (GPU-hours x power) = {r:.3f}: "
                           f"outside 0.9-{PUE_MAX:g}", mismatch=True)
    if (emissions is not None and carbon_intensity is not None and e > 0
            and _mag(carbon_intensity, "gCO2e/kWh") > 0):  # a 0 factor ("0*") tells nothing
        r = _mag(emissions / (energy * carbon_intensity), "dimensionless")
        if relative_difference(r, 1.0) <= ENERGY_TOLERANCE:
            return EnergyLevel("facility", None, None,
                               f"emissions / (energy x intensity) = {r:.3f}")
        if pue is not None:
            p = _mag(pue, "dimensionless")
            if relative_difference(r, p) <= ENERGY_TOLERANCE:
                return EnergyLevel("it", None, None,
                                   f"emissions / (energy x PUE x intensity) = {r / p:.3f}")
        elif 1 + ROUNDING_TOLERANCE < r <= PUE_MAX:  # OLMo 7B: 75.05 t / (104 MWh x 0.656)
            return EnergyLevel("it", None, None, f"emissions / (energy x intensity) = {r:.3f}, "
                               "a PUE: the energy is IT-level, the emissions facility-level",
                               implied_pue=r)
        return EnergyLevel("unknown", None, None,
                           f"emissions / (energy x intensity) = {r:.3f}", mismatch=True)
    return EnergyLevel("unknown", None, None, "no GPU-hours x power nor emissions x intensity "
                       "to tell IT from facility energy")


# --- range checks ---------------------------------------------------------------------------

def check_mfu(mfu: float, model: str | None = None, how: str = "") -> list[Warning_]:
    """IMPLIED_MFU_HIGH above :data:`MFU_HIGH`, IMPLIED_MFU_LOW below :data:`MFU_LOW`.

    Parameters
    ----------
    mfu : float [dimensionless]
    model : str, optional
    how : str
        What it was implied from (for the message).

    Returns
    -------
    list of Warning_
    """
    if mfu > MFU_HIGH:
        return [Warning_("IMPLIED_MFU_HIGH", f"implied MFU {mfu:.2f} > {MFU_HIGH} {how}: the "
                         "compute is too large for the GPU-hours (hours in other units, chips "
                         "counted as cores, a sparse or FP8 peak, or compute of another run)",
                         model=model, field="mfu")]
    if mfu < MFU_LOW:
        return [Warning_("IMPLIED_MFU_LOW", f"implied MFU {mfu:.3f} < {MFU_LOW} {how}: the "
                         "GPU-hours are too many for the compute (they may include other "
                         "runs, or the compute excludes part of the training)",
                         model=model, field="mfu")]
    return []


def check_intensity(ci: float, model: str | None = None,
                    reported: float | None = None) -> list[Warning_]:
    """IMPLIED_INTENSITY_OUT_OF_RANGE outside :data:`INTENSITY_RANGE`; INTENSITY_MISMATCH when
    a reported intensity differs from the implied one by more than :data:`ENERGY_TOLERANCE`.

    Parameters
    ----------
    ci : float [gCO2e/kWh]
        Implied intensity.
    model : str, optional
    reported : float [gCO2e/kWh], optional

    Returns
    -------
    list of Warning_
    """
    lo, hi = INTENSITY_RANGE
    out = []
    if not lo <= ci <= hi:
        out.append(Warning_("IMPLIED_INTENSITY_OUT_OF_RANGE",
                            f"implied carbon intensity {ci:.0f} gCO2e/kWh is outside any grid "
                            f"({lo:g}-{hi:g}): emissions and energy do not belong together",
                            model=model, field="carbon_intensity"))
    if reported is not None and relative_difference(ci, reported) > ENERGY_TOLERANCE:
        out.append(Warning_("INTENSITY_MISMATCH",
                            f"emissions / facility energy = {ci:.0f} gCO2e/kWh but the report "
                            f"gives {reported:.0f} gCO2e/kWh", model=model,
                            field="carbon_intensity"))
    return out


def check_pue(pue: float, model: str | None = None, what: str = "implied") -> list[Warning_]:
    """PUE_BELOW_1 when a (reported or implied) PUE is below 1; IMPLIED_PUE_HIGH above
    :data:`PUE_MAX`.

    Parameters
    ----------
    pue : float [dimensionless]
    model : str, optional
    what : str
        ``implied`` or ``reported``.

    Returns
    -------
    list of Warning_
    """
    if pue < 1:
        return [Warning_("PUE_BELOW_1", f"{what} PUE {pue:.3f} < 1: facility energy cannot be "
                         "below IT energy", model=model, field="pue")]
    if pue > PUE_MAX:
        return [Warning_("IMPLIED_PUE_HIGH", f"{what} PUE {pue:.2f} > {PUE_MAX:g}", model=model,
                         field="pue")]
    return []


def check_power(power_w: float, tdp_low_w: float, tdp_high_w: float,
                model: str | None = None) -> list[Warning_]:
    """IMPLIED_POWER_OUT_OF_RANGE when energy / GPU-hours is far from the chip's TDP.

    Parameters
    ----------
    power_w : float [W]
    tdp_low_w, tdp_high_w : float [W]
        TDP range of the accelerator (registry).
    model : str, optional

    Returns
    -------
    list of Warning_
    """
    lo, hi = POWER_FACTORS[0] * tdp_low_w, POWER_FACTORS[1] * tdp_high_w
    if math.isnan(lo) or lo <= power_w <= hi:
        return []
    return [Warning_("IMPLIED_POWER_OUT_OF_RANGE",
                     f"energy / GPU-hours = {power_w:.0f} W per accelerator, outside "
                     f"{lo:.0f}-{hi:.0f} W ({POWER_FACTORS[0]:g}-{POWER_FACTORS[1]:g} x TDP)",
                     model=model, field="accelerator_power")]


def check_energy(level: EnergyLevel, model: str | None = None) -> list[Warning_]:
    """ENERGY_MISMATCH or PUE_APPLIED_TWICE for a printed energy (see :func:`classify_energy`).

    Returns
    -------
    list of Warning_
    """
    if level.pue_twice:
        return [Warning_("PUE_APPLIED_TWICE", f"{level.evidence}: the printed energy applies "
                         "the PUE twice; kept as printed, facility energy re-derived",
                         model=model, field="energy")]
    if level.mismatch and level.ratio is not None:
        return [Warning_("ENERGY_MISMATCH", f"{level.evidence}: the printed energy differs from "
                         f"GPU-hours x power x PUE by more than {ENERGY_TOLERANCE:.0%}; kept as "
                         "'energy', facility energy re-derived", model=model, field="energy")]
    if level.mismatch:
        return [Warning_("ENERGY_MISMATCH", f"{level.evidence}: the printed energy, emissions "
                         "and intensity do not agree", model=model, field="energy")]
    return []


# --- placing a printed energy in a reconstruction ---------------------------------------------

_PUE_IN_POWER = re.compile(r"\bPUE\b|usage effectiveness|usage efficiency", re.I)


def pue_in_power(d: Disclosure, m: ModelDisclosure) -> bool:
    """True when the report says its power per accelerator already includes PUE.

    Parameters
    ----------
    d : Disclosure
        A ``PUE_IN_POWER`` or ``PUE_ALREADY_APPLIED`` warning on the disclosure (a card
        footnote about the power column) applies to every row.
    m : ModelDisclosure
        Its ``accelerator_power`` figures' label or text naming PUE also counts.

    Returns
    -------
    bool
    """
    if any(w.code in ("PUE_IN_POWER", "PUE_ALREADY_APPLIED") for w in d.warnings):
        return True
    return any(_PUE_IN_POWER.search(f"{f.label or ''} {f.text or ''}")
               for f in m.get("accelerator_power"))


def place_energy(run: Any, model: str, energy: Figure, emissions: Figure | None) -> EnergyLevel:
    """Put a printed energy (level not stated) into a reconstruction at the level the
    evidence gives (:func:`classify_energy`).

    Parameters
    ----------
    run : audit.reconstruct._Run
        The reconstruction in progress; reported GPU-hours, power, PUE and intensity are read
        from it.
    model : str
        Model name, for the warnings.
    energy : Figure
        The printed energy [MWh or any energy unit].
    emissions : Figure or None
        Reported location-based emissions (evidence when hours x power is missing).

    Returns
    -------
    EnergyLevel
        Also recorded in the route (``classify_energy:<level>``).  A facility or IT energy is
        set as reported ``facility_energy`` / ``it_energy``; a mismatch keeps the figure as a
        reported ``energy`` meter (facility energy is then re-derived from the chain) and
        warns; no evidence at all takes it as facility energy, without PUE, and warns
        ``ENERGY_LEVEL_UNKNOWN``.
    """
    rep, c = run.reported_names, run.central
    hours_ok = "accelerator_hours" in c and not run.assumed_inputs.get("accelerator_hours")
    level = classify_energy(
        energy.quantity.to("MWh"),
        accelerator_hours=c["accelerator_hours"] if hours_ok else None,
        accelerator_power=c["accelerator_power"] if "accelerator_power" in rep else None,
        pue=c["pue"] if "pue" in rep else None,
        emissions=emissions.quantity if emissions is not None else None,
        carbon_intensity=c["carbon_intensity"] if "carbon_intensity" in rep else None)
    run.route.append(f"classify_energy:{level.level}")
    run.warnings += check_energy(level, model)
    if level.mismatch:
        run.set_reported("energy", energy)
        run.meter("energy", energy)
        return level
    label = f"{energy.label or ''} {energy.text or ''}"
    if level.level == "unknown" and re.search(r"\bfrom (?:the )?(?:GPUs?|accelerators?|TPUs?)\b|"
                                              r"\b(?:GPU|accelerator|TPU|IT)[- ]energy\b",
                                              label, re.I):
        level = EnergyLevel("it", None, None, f"the energy is labelled as the accelerators' "
                            f"({energy.label or energy.text!r}): IT-level, PUE applied on top")
        run.route[-1] = "classify_energy:it"
    if level.level == "unknown":
        run.warnings.append(Warning_(
            "ENERGY_LEVEL_UNKNOWN", f"{level.evidence}; the printed {energy.value:g} "
            f"{energy.unit} is taken as facility energy (no PUE applied): if it is IT energy, "
            "facility energy is that x PUE", model=model, field="energy"))
    run.set_reported("it_energy" if level.level == "it" else "facility_energy", energy)
    if level.implied_pue is not None and "pue" not in run.central:
        pue = Figure(field="pue", value=round(level.implied_pue, 4), unit="dimensionless",
                     status="derived", method="implied_pue_from_emissions",
                     inputs=(f"emissions {emissions.value:g} {emissions.unit}",
                             f"energy {energy.value:g} {energy.unit}",
                             f"carbon_intensity {run.central['carbon_intensity']:~g}"),
                     text=level.evidence)
        run.set_reported("pue", pue)
        run.meter("pue", pue)
    return level


# --- adding implied meters to a reconstruction --------------------------------------------

def apply(run: Any, model: str, tdp_range: tuple[float, float] | None = None,
          reported_ci: Any = None) -> None:
    """Add the implied quantities of a reconstruction as derived meters, and their warnings.

    Parameters
    ----------
    run : audit.reconstruct._Run
        The reconstruction in progress (its ``central``/``samples`` dicts hold pint
        Quantities; ``derive`` and ``meter`` add meters; ``warnings`` collects warnings).
    model : str
        Model name, for the warnings.
    tdp_range : tuple of float [W], optional
        The accelerator's TDP range, for the implied power check.
    reported_ci : pint.Quantity [gCO2e/kWh], optional
        A carbon intensity the report gives, compared with the implied one.

    Notes
    -----
    Only pairs where at least one side is disclosed are used: an implied quantity between two
    assumed meters would only return the assumption.  ``implied_mfu`` needs compute (reported,
    else 6ND from reported N and D) and GPU-hours that assume nothing; ``implied_pue`` needs
    a facility-level energy that was printed and a reported power; ``implied_carbon_intensity``
    needs reported location-based emissions and a facility energy (its interval carries the
    assumptions the energy rests on).
    """
    c, reported = run.central, run.reported_names

    def same_scope(*names: str) -> bool:
        scopes = {run.scope[n] for n in names if run.scope.get(n)}
        if len(scopes) > 1:
            run.warnings.append(Warning_(
                "SCOPE_MISMATCH", f"{' and '.join(names)} cover different scopes "
                f"({', '.join(sorted(scopes))}): no implied quantity between them",
                model=model, field=names[0]))
        return len(scopes) <= 1

    hours_clean = "accelerator_hours" in c and not run.assumed_inputs.get("accelerator_hours")
    compute = ("training_compute" if "training_compute" in reported
               else "training_compute_6nd" if "training_compute_6nd" in c
               and not run.assumed_inputs.get("training_compute_6nd") else None)
    if compute and hours_clean and "peak_throughput" in c and same_scope(
            compute, "accelerator_hours"):
        run.derive("implied_mfu", implied_mfu, compute, "accelerator_hours", "peak_throughput",
                   unit="dimensionless")
        run.meter("implied_mfu", method="implied_mfu",
                  inputs=(compute, "accelerator_hours", "peak_throughput"))
        how = "(reported compute)" if compute == "training_compute" else "(6ND compute)"
        run.warnings += check_mfu(float(c["implied_mfu"].magnitude), model, how)
    energy = next((k for k in ("energy", "facility_energy", "it_energy") if k in reported),
                  None)
    if energy and "accelerator_hours" in c and same_scope(energy, "accelerator_hours"):
        run.derive("implied_accelerator_power", implied_accelerator_power, energy,
                   "accelerator_hours", unit="W")
        run.meter("implied_accelerator_power", method="implied_accelerator_power",
                  inputs=(energy, "accelerator_hours"))
        if tdp_range is not None:
            run.warnings += check_power(float(c["implied_accelerator_power"].magnitude),
                                        *tdp_range, model=model)
    if "facility_energy" in reported and "it_energy" in c:
        run.derive("implied_pue", implied_pue, "facility_energy", "it_energy",
                   unit="dimensionless")
        run.meter("implied_pue", method="implied_pue", inputs=("facility_energy", "it_energy"))
        run.warnings += check_pue(float(c["implied_pue"].magnitude), model)
    if "emissions" in reported and "facility_energy" in c and (
            "facility_energy" in reported or "accelerator_power" in reported
            or "it_energy" in reported) and same_scope("emissions", "facility_energy"):
        run.derive("implied_carbon_intensity", implied_carbon_intensity, "emissions",
                   "facility_energy", unit="gCO2e/kWh")
        run.meter("implied_carbon_intensity", method="implied_carbon_intensity",
                  inputs=("emissions", "facility_energy"))
        ref = None if reported_ci is None else float(reported_ci.to("gCO2e/kWh").magnitude)
        found = check_intensity(float(c["implied_carbon_intensity"].magnitude), model, ref)
        if ref is not None and "it_energy" in c and any(
                w.code == "INTENSITY_MISMATCH" for w in found):
            it_ci = float(implied_carbon_intensity(c["emissions"], c["it_energy"]).magnitude)
            if relative_difference(it_ci, ref) <= ENERGY_TOLERANCE:
                found = [w if w.code != "INTENSITY_MISMATCH" else Warning_(
                    w.code, f"{w.message}; emissions / IT energy = {it_ci:.0f} gCO2e/kWh: the "
                    "reported emissions leave the PUE out", model=model, field=w.field)
                    for w in found]
        run.warnings += found


# --- Total rows ------------------------------------------------------------------------------

TOTAL_FIELDS = ("accelerator_hours", "energy", "it_energy", "facility_energy", "emissions",
                "cost", "training_compute")


def _num(x: float) -> str:
    """A figure as printed: integers with separators, else 6 significant figures."""
    r = round(x, 6)
    return f"{int(r):,}" if float(r).is_integer() and abs(r) < 1e15 else f"{x:,.6g}"


def _table(locator: str | None) -> str | None:
    if not locator or locator == "text" or ", row" not in locator:
        return None
    return locator.split(", row")[0]


def total_row_warnings(d: Disclosure, agg: ModelDisclosure,
                       tolerance: float = 0.02) -> list[Warning_]:
    """TOTAL_ROW_MISMATCH where an aggregate's table row is not the sum of the model rows.

    Parameters
    ----------
    d : Disclosure
    agg : ModelDisclosure
        An aggregate row (``kind == "aggregate"``); other kinds give no warnings.
    tolerance : float
        Relative difference allowed for rounding [-] (default 2 %).

    Returns
    -------
    list of Warning_
        One per field whose Total differs from the sum of at least two model rows of the same
        table (same page or section, column label, basis and scope; a Total figure of scope
        ``total`` sums rows of any scope).
    """
    if agg.kind != "aggregate":
        return []
    out = []
    for fig in agg.own_figures:
        table = _table(fig.locator)
        if table is None or fig.value is None or fig.field not in TOTAL_FIELDS:
            continue
        parts = [f for m in d.models if m.kind == "model" for f in m.own_figures
                 if f.field == fig.field and f.basis == fig.basis
                 and (f.scope == fig.scope or fig.scope == "total")
                 and _table(f.locator) == table and f.page == fig.page
                 and f.section == fig.section and f.value is not None
                 and (f.label == fig.label or not (f.label and fig.label))]
        if len(parts) < 2:
            continue
        total = sum(float(p.quantity.to(fig.unit).magnitude) for p in parts)
        if relative_difference(total, float(fig.value)) > tolerance:
            diff = _num(fig.value - total)
            out.append(Warning_(
                "TOTAL_ROW_MISMATCH",
                f"{table}: {agg.name} {fig.field} is {_num(fig.value)} {fig.unit} but the "
                f"{len(parts)} model rows sum to {_num(total)} "
                f"({'' if diff.startswith('-') else '+'}{diff}): the total counts something "
                "the table does not list", model=agg.name, field=fig.field))
    return out


__all__ = ["EnergyLevel", "apply", "check_energy", "check_intensity", "check_mfu",
           "check_power", "check_pue", "classify_energy", "implied_accelerator_power",
           "implied_carbon_intensity", "implied_mfu", "implied_pue", "place_energy",
           "pue_in_power", "relative_difference", "total_row_warnings"]
