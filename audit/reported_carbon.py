"""Which reading reproduces a reported carbon figure, and whether it matches the run's grid.

A reported emissions figure is back-solved (:func:`check_reported_emissions`): with the
reported GPU-hours, or device count and wall-clock duration, and the reported power (else an
emissions calculator's per-device power), which device count and which reference intensity
(a tool default, the named location's grid) reproduce it.  A calculator that counted one
device instead of several, a tool's fallback intensity instead of the location's grid, or
emissions that leave the PUE out are each named by a warning.
:func:`intensity_location_warning` compares any intensity with the run location's grid;
:func:`location_grid` is the grid row of a named location.

Split from :mod:`audit.consistency`, whose implied quantities and tolerances it uses.
"""

from __future__ import annotations

import math
import re
from typing import Any

from audit.consistency import ENERGY_TOLERANCE, implied_carbon_intensity, relative_difference
from audit.records import Figure, Warning_
from audit.units import Q_

#: Relative distance within which an implied intensity *is* a tool default (printing
#: precision of the reported carbon: 580.61 kg / 1,344 kWh = 432.0 g/kWh exactly) [-].
DEFAULT_MATCH = 0.005
#: Relative distance within which a calculator-made carbon figure is taken to come from a
#: reference intensity (tool defaults, the location's grid) [-]: the ML CO2 Impact
#: calculator's own region values (mlco2/impact data/impact.csv, e.g. 367.8 g/kWh eGRID for
#: us-east1) sit near but not on the defaults, so a looser band than DEFAULT_MATCH is needed;
#: the two device-count readings differ by the count itself (x4 for a v3-8), far outside it.
READING_MATCH = 0.10
_CALCULATOR = re.compile(r"calculator|\bML\s?CO2\b|mlco2", re.I)


def implied_intensity_by_count(emissions, accelerator_count, training_duration,  # noqa: ANN001, ANN201
                               accelerator_power):
    """Grid intensity implied by reported emissions if they cover ``accelerator_count``
    devices, and if they cover one device (a calculator without a count field).

    Parameters
    ----------
    emissions : pint.Quantity [tCO2e]
    accelerator_count : pint.Quantity [dimensionless]
    training_duration : pint.Quantity [hour], wall-clock
    accelerator_power : pint.Quantity [W], per device

    Returns
    -------
    dict of {int: pint.Quantity [gCO2e/kWh]}
        Keyed by the device count of the reading (the stated count, and 1).

    Examples
    --------
    >>> r = implied_intensity_by_count(Q_(7.54, "kgCO2e"), Q_(4, ""), Q_(72, "hour"),
    ...                                Q_(283, "W"))
    >>> {n: round(ci.magnitude, 1) for n, ci in r.items()}
    {4: 92.5, 1: 370.0}
    """
    n = int(round(float(accelerator_count.to("dimensionless").magnitude)))
    return {k: implied_carbon_intensity(emissions, Q_(k, "") * training_duration
                                        * accelerator_power)
            for k in dict.fromkeys((n, 1))}


def reference_intensities(location: str | None, year: int | None = None
                          ) -> list[tuple[float, str, tuple[float, float] | None]]:
    """Intensities a reported carbon figure may have been made with [gCO2e/kWh].

    Returns
    -------
    list of (value, label, (low, high) or None)
        The known tool defaults (:data:`audit.extract.checks.KNOWN_DEFAULT_INTENSITIES`) and,
        when ``location`` is one the grid table knows, its grid row with its range.
    """
    from audit.extract.checks import KNOWN_DEFAULT_INTENSITIES

    out: list[tuple[float, str, tuple[float, float] | None]] = [
        (v, "tool default", None) for v in KNOWN_DEFAULT_INTENSITIES]
    grid = location_grid(location, year)
    if grid is not None:
        out.append(grid)
    return out


def location_grid(location: str | None, year: int | None = None
                  ) -> tuple[float, str, tuple[float, float]] | None:
    """The grid row of a named run location: (value, label, (low, high)) [gCO2e/kWh], or None
    when no location is named or the grid table has no row for it (no world fallback here)."""
    from audit import assumptions as reg

    if not location or not reg.location_keys(location):
        return None
    a, note = reg.carbon_intensity_for(location, year)
    if note is not None and note[0] != "CI_LOCATION_FALLBACK":
        return None
    g = Q_(1, a.unit).to("gCO2e/kWh").magnitude
    return (a.value * g, f"{location} grid ({a.id})", (a.low * g, a.high * g))


def _nearest(ci: float, refs: list) -> tuple[float, float, str]:
    """(relative distance, reference value, label) of the reference nearest ``ci``."""
    return min(((relative_difference(ci, v), v, lab) for v, lab, _ in refs),
               default=(math.inf, math.nan, ""))


def intensity_location_warning(ci: float, location: str | None, year: int | None,
                               model: str | None = None, what: str = "the intensity used"
                               ) -> list[Warning_]:
    """INTENSITY_LOCATION_MISMATCH when an intensity [gCO2e/kWh] lies outside the named run
    location's grid range by more than :data:`ENERGY_TOLERANCE`."""
    grid = location_grid(location, year)
    if grid is None:
        return []
    value, label, (lo, hi) = grid
    if lo * (1 - ENERGY_TOLERANCE) <= ci <= hi * (1 + ENERGY_TOLERANCE):
        return []
    return [Warning_("INTENSITY_LOCATION_MISMATCH",
                     f"{what} is {ci:.4g} gCO2e/kWh but the run's location {location!r} has a "
                     f"grid of {value:g} gCO2e/kWh ({label}, range {lo:g}-{hi:g}): the "
                     f"carbon was not computed with the location's grid (x{ci / value:.3g})",
                     model=model, field="carbon_intensity")]


def check_reported_emissions(run: Any, model: str, *, accelerator_id: str | None = None,
                             tdp_w: float | None = None, location: str | None = None,
                             year: int | None = None, made_with_calculator: bool = False
                             ) -> None:
    """Back-solve reported emissions: which device count, power and intensity reproduce them.

    Parameters
    ----------
    run : audit.reconstruct._Run
        Reported emissions and, reported, either GPU-hours or a device count and a wall-clock
        duration are needed; power is the reported one, else the calculator's per-device power
        (:func:`audit.assumptions.calculator_power`) when the figure was made with a
        calculator, else the TDP.
    model : str
    accelerator_id : str, optional
    tdp_w : float [W], optional
    location : str, optional
        The run's location as the report names it.
    year : int, optional
    made_with_calculator : bool
        The report says its carbon came from an emissions calculator (one device per entry).

    Notes
    -----
    Warnings added to ``run``:

    - ``DEFAULT_GRID_INTENSITY``: emissions / (hours x power) equals a known tool default
      within :data:`DEFAULT_MATCH` (and ``PUE_NOT_APPLIED``: no PUE is in the figure);
    - ``INTENSITY_LOCATION_MISMATCH``: that implied intensity is outside the named
      location's grid range; the message gives the carbon at the location's grid;
    - ``WALL_CLOCK_TIMES_NODES``: with a count and a duration, only the reading "duration is
      wall-clock, times the count" reproduces a reference intensity; the reading "duration is
      already device-hours" is rejected (both in the message);
    - ``REPORTED_CARBON_MATCHES_WRONG_DEVICE_COUNT``: only the single-device reading does
      (a per-device calculator fed the wall-clock hours); the message gives the implied
      intensity and the corrected carbon (x count).
    """
    from audit import assumptions as reg

    c, rep = run.central, run.reported_names
    if "emissions" not in rep or "carbon_intensity" in rep:
        return
    emissions = c["emissions"]
    power_label, power = None, None
    calc = reg.calculator_power(accelerator_id) if made_with_calculator else None
    if "accelerator_power" in rep:
        power_label, power = "reported power", c["accelerator_power"]
    elif calc is not None:
        power_label, power = f"calculator power {calc.value:g} {calc.unit} ({calc.id})", calc.q
    elif tdp_w is not None and not math.isnan(tdp_w):
        power_label, power = f"TDP {tdp_w:g} W", Q_(tdp_w, "W")
    if power is None:
        return
    refs = reference_intensities(location, year)
    has_count = ("accelerator_count" in rep and "training_duration" in rep
                 and "accelerator_hours" not in rep)
    if has_count:
        readings = implied_intensity_by_count(emissions, c["accelerator_count"],
                                              c["training_duration"], power)
        n = max(readings)
    elif "accelerator_hours" in rep:
        n = 0
        readings = {0: implied_carbon_intensity(emissions, c["accelerator_hours"] * power)}
    else:
        return
    ci = {k: float(v.to("gCO2e/kWh").magnitude) for k, v in readings.items()}
    near = {k: _nearest(v, refs) for k, v in ci.items()}
    chosen = n
    if has_count and n > 1:
        fits = {k for k, (dist, _, _) in near.items() if dist <= READING_MATCH}
        if fits == {1} and made_with_calculator:
            chosen = 1
            hours = float(c["training_duration"].to("hour").magnitude)
            corrected = emissions * n
            run.warnings.append(Warning_(
                "REPORTED_CARBON_MATCHES_WRONG_DEVICE_COUNT",
                f"the reported {_q(emissions)} fits one device, not {n}: {hours:g} h x "
                f"{power_label} = {_q(Q_(hours, 'hour') * power, 'kWh')} gives an implied "
                f"{ci[1] / 1000:.3f} kgCO2e/kWh (near the {near[1][2]} {near[1][1]:g} g/kWh), "
                f"while {n} devices imply {ci[n] / 1000:.4f} kgCO2e/kWh, near no reference; "
                f"a per-device calculator was given the wall-clock hours. Corrected for {n} "
                f"devices ({n * hours:g} device-hours): {_q(corrected)} (x{n} undercount)",
                model=model, field="emissions"))
        elif n in fits and 1 not in fits:
            hours = float(c["training_duration"].to("hour").magnitude)
            run.warnings.append(Warning_(
                "WALL_CLOCK_TIMES_NODES",
                f"{hours:g} h is wall-clock time on {n} devices ({n * hours:g} device-hours): "
                f"that reading reproduces the reported {_q(emissions)} at "
                f"{ci[n]:.4g} gCO2e/kWh ({near[n][2]} {near[n][1]:g}); read as "
                f"device-hours it would give {_q(emissions / n)} at that intensity "
                "(rejected)", model=model, field="training_duration"))
    dist, ref, label = near[chosen]
    if label == "tool default" and dist <= DEFAULT_MATCH:
        run.warnings.append(Warning_(
            "DEFAULT_GRID_INTENSITY",
            f"emissions / (device-hours x {power_label}) = {ci[chosen]:.4g} gCO2e/kWh, the "
            f"known tool default {ref:g}: the carbon was made with a calculator's default "
            "intensity, not the site's grid", model=model, field="carbon_intensity"))
        run.warnings.append(Warning_(
            "PUE_NOT_APPLIED", f"the reported {_q(emissions)} is device energy x "
            f"{ref:g} gCO2e/kWh with no PUE: facility overhead is left out",
            model=model, field="pue"))
    found = intensity_location_warning(ci[chosen], location, year, model,
                                       "the intensity implied by the reported carbon")
    if found:
        grid = location_grid(location, year)
        energy = emissions / readings[chosen]
        at_grid = emissions_at(energy, grid[0])
        found = [Warning_(w.code, f"{w.message}; at the location's grid the carbon is "
                          f"{_q(at_grid)} ({_q(energy, 'kWh')} x {grid[0]:g} g/kWh)",
                          model=model, field=w.field) for w in found]
    run.warnings += found


def emissions_at(energy, intensity_g_per_kwh: float):  # noqa: ANN001, ANN201
    """Emissions of ``energy`` at an intensity given in gCO2e/kWh [kgCO2e]."""
    return (energy * Q_(intensity_g_per_kwh, "gCO2e/kWh")).to("kgCO2e")


def _q(q: Any, unit: str = "kgCO2e") -> str:
    return f"{float(q.to(unit).magnitude):.4g} {unit}"


def calculator_made(figures: list[Figure]) -> bool:
    """True when a figure's text says an emissions calculator produced it."""
    return any(_CALCULATOR.search(f.text or "") for f in figures)


__all__ = ["DEFAULT_MATCH", "READING_MATCH", "calculator_made", "check_reported_emissions",
           "emissions_at", "implied_intensity_by_count", "intensity_location_warning",
           "location_grid", "reference_intensities"]
