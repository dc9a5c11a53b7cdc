"""The sourced assumption registry: accelerators, PUE, grid intensity, prices and defaults.

Data lives beside the code in ``audit/data/*.csv`` (DESIGN.md section 6); every row has a
value, a plausible range (low, high), a distribution for the Monte Carlo, a year and a
``source_id`` into ``sources.csv``.  Nothing here falls back silently: a lookup that cannot
be answered from the specific row says which general row it used, and that row's id is
recorded in the footprint's provenance.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from audit.errors import AssumptionRangeError, SchemaError, UnitError, UnknownAssumptionError
from audit.units import parse_unit, quantity, ureg

LONG_TABLES = ("datacenters", "grid_intensity", "prices", "defaults")
DISTRIBUTIONS = ("triangular", "uniform", "loguniform", "split-uniform", "fixed")  # + "given"


def split_uniform_ppf(u, low: float, median: float, high: float):  # noqa: ANN001, ANN201
    """Inverse CDF of the split-uniform distribution: probability 1/2 spread evenly on
    [low, median] and 1/2 on [median, high], so that ``median`` is its median.

    It is the distribution of largest entropy with a given minimum, median and maximum
    (the three numbers a price row of ``prices.csv`` keeps from its observations), and,
    unlike a triangular with its mode at the median, it keeps the median inside every
    central interval: its 5th and 95th percentiles are ``low + 0.1 (median - low)`` and
    ``median + 0.9 (high - median)``.

    Parameters
    ----------
    u : numpy.ndarray [dimensionless]
        Probabilities in [0, 1], any shape.
    low, median, high : float
        In the assumption's unit; ``low <= median <= high``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``u``, in the assumption's unit.
    """
    import numpy as np

    u = np.asarray(u, dtype=float)
    return np.where(u < 0.5, low + 2 * u * (median - low),
                    median + (2 * u - 1) * (high - median))
# The glossary quantity each long-table quantity is checked against.
QUANTITY_FIELD = {"pue": "pue", "carbon_intensity": "carbon_intensity",
                  "gpu_hour_price": "gpu_hour_price", "mfu": "mfu", "tdp_fraction": "mfu",
                  "embodied_emissions": "embodied_emissions", "checkpoint_overhead": "mfu",
                  "development_multiplier": "mfu", "fp8_speedup": "mfu",
                  "hardware_utilisation": "mfu", "hardware_lifetime": "training_duration",
                  "calculator_power": "accelerator_power"}


@dataclass(frozen=True)
class Assumption:
    """One registry row: a value with its range, distribution and source.

    Attributes
    ----------
    id : str
        Unique id across the long tables, e.g. ``pue-google-2023``.
    quantity : str
        Glossary name (``pue``, ``carbon_intensity``, ``gpu_hour_price``, ``mfu``...).
    value, low, high : float
        Central value and plausible range, in ``unit``.
    """

    id: str
    quantity: str
    value: float
    unit: str
    low: float
    high: float
    distribution: str
    applies_to: str
    year: int | None
    source_id: str
    locator: str = ""
    notes: str = ""
    override: bool = False
    #: for distribution "given": the exact draws to use (shape (samples,)), e.g. a Sobol design
    draws: tuple[float, ...] | None = None

    @property
    def q(self):  # noqa: ANN201 - pint.Quantity
        """The central value as a pint Quantity."""
        return quantity(self.value, self.unit)

    def citation(self) -> str:
        """The source's citation (with the row's locator)."""
        src = sources().get(self.source_id, {})
        cite = src.get("citation", self.source_id)
        return f"{cite}{', ' + self.locator if self.locator else ''}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "quantity": self.quantity, "value": self.value,
                "unit": self.unit, "low": self.low, "high": self.high,
                "distribution": self.distribution, "applies_to": self.applies_to,
                "year": self.year, "source": "user override" if self.override
                else self.citation(), "override": self.override}


@dataclass(frozen=True)
class Accelerator:
    """One accelerator: dense per-chip peaks [FLOP/s] per precision, TDP [W], aliases."""

    id: str
    name: str
    vendor: str
    aliases: tuple[str, ...]
    year: int | None
    tdp_w: float
    tdp_low_w: float
    tdp_high_w: float
    peaks: dict[str, float]
    cores_per_chip: int
    slice_names_count: str
    source_id: str
    locator: str = ""

    def peak(self, precision: str | None = None):  # noqa: ANN201 - pint.Quantity
        """Dense peak throughput at ``precision`` (default bf16, then fp16, tf32, fp32).

        Raises
        ------
        UnknownAssumptionError
            If the accelerator has no peak at that precision.
        """
        order = [precision] if precision else ["bf16", "fp16", "tf32", "fp32"]
        for p in order:
            if p in self.peaks:
                return quantity(self.peaks[p], "FLOP/s")
        raise UnknownAssumptionError(
            f"accelerator {self.id} has no dense {precision} peak; known: "
            f"{', '.join(sorted(self.peaks))}")


def _data_path(name: str):
    return resources.files("audit") / "data" / name


def _read_csv(name: str) -> list[dict[str, str]]:
    path = _data_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(f"audit/data/{name} is missing from the installation") from None
    if text.startswith("\ufeff"):
        raise SchemaError(f"audit/data/{name}: starts with a BOM; save as UTF-8 without BOM")
    return list(csv.DictReader(text.splitlines()))


def _float(row: dict[str, str], key: str, where: str) -> float | None:
    s = (row.get(key) or "").strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        raise SchemaError(f"{where}: column {key} is {s!r}, not a number") from None


@cache
def sources() -> dict[str, dict[str, str]]:
    """Citations by source_id, from ``sources.csv`` and ``threshold_sources.csv``."""
    out = {}
    for name in ("sources.csv", "threshold_sources.csv"):
        for row in _read_csv(name):
            out[row["source_id"]] = row
    return out


@cache
def country_boxes() -> dict[str, tuple[str, float, float, float, float]]:
    """Bounding boxes of countries: ISO 3166-1 alpha-2 -> (name, lon_min, lat_min, lon_max,
    lat_max) [degrees], from ``country_boxes.csv``.

    A box holds its whole country (and more), so a point outside it is outside the country:
    enough to catch a log whose country and coordinates disagree, never to place a point.

    Raises
    ------
    SchemaError
        If the file is missing or a coordinate is not a number.

    References
    ----------
    Natural Earth, Admin 0 - Countries, 1:110m (public domain): source ``natural-earth-110m``.
    """
    out = {}
    for k, row in enumerate(_read_csv("country_boxes.csv"), start=2):
        where = f"audit/data/country_boxes.csv line {k}"
        box = [_float(row, c, where) for c in ("lon_min", "lat_min", "lon_max", "lat_max")]
        if None in box:
            raise SchemaError(f"{where}: a coordinate is empty")
        out[row["iso2"]] = (row["name"], *box)
    return out


def _row_to_assumption(row: dict[str, str], where: str) -> Assumption:
    value = _float(row, "value", where)
    if value is None:
        raise SchemaError(f"{where}: empty value")
    low = _float(row, "low", where)
    high = _float(row, "high", where)
    year = _float(row, "year", where)
    return Assumption(id=row["id"], quantity=row["quantity"], value=value, unit=row["unit"],
                      low=value if low is None else low, high=value if high is None else high,
                      distribution=row.get("distribution") or "triangular",
                      applies_to=row.get("applies_to", ""),
                      year=int(year) if year is not None else None,
                      source_id=row.get("source_id", ""), locator=row.get("locator", ""),
                      notes=row.get("notes", ""))


@cache
def registry() -> dict[str, Assumption]:
    """Every long-table assumption row, by id (``datacenters``, ``grid_intensity``,
    ``prices``, ``defaults``)."""
    out: dict[str, Assumption] = {}
    for table in LONG_TABLES:
        for n, row in enumerate(_read_csv(f"{table}.csv"), start=2):
            where = f"audit/data/{table}.csv line {n}"
            a = _row_to_assumption(row, where)
            if a.id in out:
                raise SchemaError(f"{where}: duplicate id {a.id}")
            out[a.id] = a
    return out


def _norm_alias(text: str) -> str:
    """Lower case without spaces, hyphens and underscores; a memory size after a chip name
    keeps a ``|`` before it ("H100-80G" -> ``h100|80g``), so that it never reads as more of
    the chip's number (``h10080g`` would not match ``h100``)."""
    text = re.sub(r"(?<=[A-Za-z0-9])[\s\-_]+(?=\d{2,3}\s*G(?:B|iB)?s?\b)", "|", text)
    return re.sub(r"[\s\-_]+", "", text).lower()


@cache
def accelerators() -> dict[str, Accelerator]:
    """Accelerators by canonical id (``accelerators.csv``)."""
    out = {}
    for n, row in enumerate(_read_csv("accelerators.csv"), start=2):
        where = f"audit/data/accelerators.csv line {n}"
        peaks = {p: v for p in ("fp32", "tf32", "bf16", "fp16", "fp8")
                 if (v := _float(row, f"peak_{p}", where)) is not None}
        tdp = _float(row, "tdp_w", where) or math.nan
        year = _float(row, "year", where)
        out[row["id"]] = Accelerator(
            id=row["id"], name=row["name"], vendor=row.get("vendor", ""),
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
            year=int(year) if year else None, tdp_w=tdp,
            tdp_low_w=_float(row, "tdp_low_w", where) or tdp,
            tdp_high_w=_float(row, "tdp_high_w", where) or tdp, peaks=peaks,
            cores_per_chip=int(_float(row, "cores_per_chip", where) or 1),
            slice_names_count=row.get("slice_names_count") or "chips",
            source_id=row.get("source_id", ""), locator=row.get("locator", ""))
    return out


@cache
def _alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for acc in accelerators().values():
        for name in (acc.id, acc.name, *acc.aliases):
            idx.setdefault(_norm_alias(name), acc.id)
    return idx


def find_accelerator(text: str) -> str | None:
    """Canonical accelerator id named in ``text``, or None.

    The longest alias found in the text wins ("A100-80GB" before "A100"); aliases are
    compared without spaces, hyphens and underscores, case-insensitively.

    Examples
    --------
    >>> find_accelerator("8x NVIDIA H100 SXM5 80GB")
    'nvidia-h100-sxm5-80gb'
    """
    t = _norm_alias(text)
    best = None
    for alias, acc_id in _alias_index().items():
        if len(alias) >= 3 and alias in t and (best is None or len(alias) > len(best[0])):
            # guard against alias inside a longer token (e.g. "a100" inside "a1000")
            i = t.find(alias)
            nxt = t[i + len(alias): i + len(alias) + 1]
            if alias[-1].isdigit() and nxt.isdigit():
                continue
            best = (alias, acc_id)
    return best[1] if best else None


def accelerator(acc_id: str) -> Accelerator:
    """The accelerator ``acc_id`` (canonical id or any alias).

    Raises
    ------
    UnknownAssumptionError
        Listing the closest known ids.
    """
    accs = accelerators()
    if acc_id in accs:
        return accs[acc_id]
    found = _alias_index().get(_norm_alias(acc_id))
    if found:
        return accs[found]
    close = difflib.get_close_matches(acc_id, list(accs), n=3, cutoff=0.4)
    raise UnknownAssumptionError(
        f"unknown accelerator {acc_id!r}; closest: {', '.join(close) or 'none'} "
        "(see `footprint-audit assumptions list`)")


def get(assumption_id: str) -> Assumption:
    """The assumption ``assumption_id``.

    Raises
    ------
    UnknownAssumptionError
        Listing close matches.
    """
    reg = registry()
    if assumption_id in reg:
        return reg[assumption_id]
    close = difflib.get_close_matches(assumption_id, list(reg), n=3, cutoff=0.5)
    raise UnknownAssumptionError(f"unknown assumption {assumption_id!r}; closest: "
                                 f"{', '.join(close) or 'none'}")


def lookup(quantity_name: str, applies_to: str | None, year: int | None = None,
           fallback: str = "default") -> Assumption:
    """The registry row for ``quantity_name`` that applies to ``applies_to``.

    Parameters
    ----------
    quantity_name : str
        ``pue``, ``carbon_intensity``, ``gpu_hour_price``, ``mfu``, ``tdp_fraction``...
    applies_to : str or None
        Operator id, region id or accelerator id; None uses ``fallback``.
    year : int, optional
        Year of the run; the newest row with year <= ``year`` is chosen (else the oldest).
    fallback : str
        ``applies_to`` of the general row used when no specific row exists (``default``,
        ``unknown``, ``world``); the row returned says which it is, so the fallback is
        recorded, never silent.

    Raises
    ------
    UnknownAssumptionError
        If neither a specific nor the fallback row exists.
    """
    rows = [a for a in registry().values() if a.quantity == quantity_name]
    for target in ([applies_to] if applies_to else []) + [fallback]:
        cands = [a for a in rows if a.applies_to.lower() == str(target).lower()]
        if cands:
            if year is not None:
                older = [a for a in cands if a.year is None or a.year <= year]
                cands = older or cands
                return max(cands, key=lambda a: a.year or 0) if older else min(
                    cands, key=lambda a: a.year or 0)
            return max(cands, key=lambda a: a.year or 0)
    raise UnknownAssumptionError(f"no {quantity_name} assumption for {applies_to!r} nor "
                                 f"{fallback!r} in audit/data")


# --- carbon intensity by location ---------------------------------------------------------

#: Country names and common spellings -> ISO 3166-1 alpha-2 (the ``applies_to`` of
#: grid_intensity.csv country rows).
COUNTRIES = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US",
    "u.s.a.": "US", "us": "US", "america": "US", "china": "CN", "prc": "CN", "india": "IN",
    "germany": "DE", "france": "FR", "united kingdom": "GB", "uk": "GB", "britain": "GB",
    "great britain": "GB", "england": "GB", "ireland": "IE", "netherlands": "NL",
    "the netherlands": "NL", "sweden": "SE", "norway": "NO", "finland": "FI", "canada": "CA",
    "japan": "JP", "south korea": "KR", "korea": "KR", "republic of korea": "KR",
    "taiwan": "TW", "singapore": "SG", "australia": "AU", "brazil": "BR", "russia": "RU",
    "belgium": "BE", "switzerland": "CH", "spain": "ES", "italy": "IT", "poland": "PL",
    "united arab emirates": "AE", "uae": "AE", "saudi arabia": "SA", "iceland": "IS",
    "denmark": "DK", "austria": "AT"}
#: US state names -> ``US-XX`` (the ``applies_to`` of eGRID state rows).
US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY"}
#: Values of ``location`` that mean none is known.
NO_LOCATION = ("", "world", "global", "unknown", "none", "n/a")
_CLOUD_REGION = re.compile(r"\b(?:(gcp|google(?: cloud)?|aws|azure)[\s:/-]+)?"
                           r"((?:us|europe|asia|australia|southamerica|northamerica|me|africa)"
                           r"-[a-z]+\d)\b", re.I)


def location_keys(location: str | None) -> list[str]:
    """The grid-intensity ``applies_to`` keys a location may match, most specific first.

    Parameters
    ----------
    location : str or None
        An ISO country code (``FR``), a country name (``France``), a US state (``US-VA``,
        ``Virginia``, ``Ashburn, Virginia, USA``) or a cloud region (``gcp:us-central1``,
        ``us-central1``).

    Returns
    -------
    list of str
        E.g. ``["US-VA", "US"]`` for ``"Virginia"``; empty when nothing is recognised.

    Examples
    --------
    >>> location_keys("Council Bluffs, Iowa")
    ['US-IA', 'US']
    >>> location_keys("us-central1")
    ['gcp:us-central1', 'US']
    """
    if not location or location.strip().lower() in NO_LOCATION:
        return []
    text = location.strip()
    low = text.lower()
    keys: list[str] = []
    m = _CLOUD_REGION.search(text)
    if m:
        provider = (m.group(1) or "gcp").lower()
        provider = "gcp" if provider.startswith("google") else provider
        keys.append(f"{provider}:{m.group(2).lower()}")
    m = re.fullmatch(r"(?:US|USA)[-_ ]([A-Z]{2})", text, re.I)
    if m:
        keys += [f"US-{m.group(1).upper()}", "US"]
    us_marked = re.search(r"\b(?:us|usa|u\.s\.|united states)\b", low) is not None
    for name, code in sorted(US_STATES.items(), key=lambda kv: -len(kv[0])):
        if not re.search(rf"\b{re.escape(name)}\b", low):
            continue
        if (name == "georgia" and not us_marked) or "washington, d" in low:
            continue  # the country Georgia; Washington, D.C.
        keys += [f"US-{code}", "US"]
        break
    if re.fullmatch(r"[A-Za-z]{2}", text):
        keys.append(text.upper())
    for name, code in sorted(COUNTRIES.items(), key=lambda kv: -len(kv[0])):
        if len(name) <= 3:
            if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", low):
                keys.append(code)
        elif re.search(rf"\b{re.escape(name)}\b", low):
            keys.append(code)
    return list(dict.fromkeys(keys))


def calculator_power(accelerator_id: str | None) -> Assumption | None:
    """The per-device power an emissions calculator uses for an accelerator, if registered.

    The ML CO2 Impact calculator (mlco2/impact, ``data/gpus.csv``) multiplies hours by one
    device's power; for TPUs that power is an average draw, not the TDP (rows
    ``calculator_power`` of ``defaults.csv``).  None when the registry has no row.
    """
    if not accelerator_id:
        return None
    rows = [a for a in registry().values() if a.quantity == "calculator_power"
            and a.applies_to.lower() == accelerator_id.lower()]
    return max(rows, key=lambda a: a.year or 0) if rows else None


def carbon_intensity_for(location: str | None, year: int | None = None
                         ) -> tuple[Assumption, tuple[str, str] | None]:
    """The grid carbon intensity row for a location and year, never a silent fallback.

    Parameters
    ----------
    location : str or None
        Where the training ran (see :func:`location_keys`).
    year : int, optional
        Year of the run; the newest row with year <= ``year`` is chosen (else the oldest).

    Returns
    -------
    tuple of (Assumption, (code, message) or None)
        The row, and a note when it is not the location's own row: ``CI_WORLD_FALLBACK`` (no
        location known: the world average is used), ``CI_LOCATION_NOT_FOUND`` (the location
        is not in the table: world average) or ``CI_LOCATION_FALLBACK`` (a state or region
        without a row: its country's row).

    Raises
    ------
    UnknownAssumptionError
        If the world row is missing from ``grid_intensity.csv``.

    Examples
    --------
    >>> carbon_intensity_for("France", 2023)[0].id
    'ci-fr-2023'
    """
    known = {a.applies_to.lower() for a in registry().values()
             if a.quantity == "carbon_intensity"}
    keys = location_keys(location)
    for i, key in enumerate(keys):
        if key.lower() in known:
            a = lookup("carbon_intensity", key, year, "world")
            if i == 0:
                return a, None
            return a, ("CI_LOCATION_FALLBACK",
                       f"no grid intensity row for {keys[0]} ({location!r}): used {a.id}, "
                       f"the {key} average ({a.value:g} {a.unit}, {a.year})")
    a = lookup("carbon_intensity", None, year, "world")
    if not keys and (location or "").strip().lower() in NO_LOCATION:
        return a, ("CI_WORLD_FALLBACK",
                   f"no training location known: used the world average {a.id} "
                   f"({a.value:g} {a.unit}, {a.year}); give the location or "
                   "--assume carbon_intensity=...")
    return a, ("CI_LOCATION_NOT_FOUND",
               f"location {location!r} is not in the grid intensity table: used the world "
               f"average {a.id} ({a.value:g} {a.unit}, {a.year})")


def check_value(name: str, q: Any) -> None:
    """Refuse values outside physical ranges (PUE < 1, negative hours, NaN, MFU > 1).

    Raises
    ------
    AssumptionRangeError
    """
    mag = q.magnitude if hasattr(q, "magnitude") else q
    try:
        bad_nan = math.isnan(float(mag))
    except TypeError:
        return
    if bad_nan:
        raise AssumptionRangeError(f"{name} is NaN: give a number")
    if math.isinf(float(mag)):
        raise AssumptionRangeError(f"{name} is infinite: give a finite number")
    if name == "pue" and float(q.to("dimensionless").magnitude) < 1:
        raise AssumptionRangeError(f"pue={float(mag)} is below 1; PUE is facility energy / IT "
                                   "energy and cannot be below 1")
    if name in ("mfu", "tdp_fraction") and not 0 < float(q.to("dimensionless").magnitude) <= 1:
        raise AssumptionRangeError(f"{name}={float(mag)} must be in (0, 1]")
    if float(mag) <= 0 and name not in ("carbon_intensity", "emissions", "checkpoint_overhead"):
        raise AssumptionRangeError(f"{name}={float(mag)} must be positive")
    if float(mag) < 0:
        raise AssumptionRangeError(f"{name}={float(mag)} must not be negative")


def override(name: str, text: str) -> Assumption:
    """An assumption given by the user as ``NAME=VALUE [UNIT]`` (e.g. ``pue=1.2``,
    ``carbon_intensity=57 gCO2e/kWh``); recorded as an override in provenance.

    Raises
    ------
    UnitError
        If the value has the wrong dimension for ``name`` (``pue=3 kWh``).
    AssumptionRangeError
        If the value is out of range (PUE below 1, NaN, negative).
    UnknownAssumptionError
        If ``name`` is not an assumption that can be overridden, or (``accelerator=ID``) the
        accelerator is not in the registry (the closest ids are named).

    Notes
    -----
    ``accelerator=ID`` gives the chip of the models whose report names none
    (:func:`audit.reconstruct.reconstruct_model`); its value is the chip's TDP [W].

    ``NAME=registry`` takes the registry's general row for ``NAME`` (its value, range and
    source) instead of a number: the way to opt in to ``checkpoint_overhead`` and
    ``development_multiplier``, which are off unless given.

    Examples
    --------
    >>> override("development_multiplier", "registry").id
    'development-multiplier-default'
    """
    if name == "accelerator":  # the chip of a model whose report names none
        acc = accelerator(text.strip())
        return Assumption(id="override-accelerator", quantity="accelerator", value=acc.tdp_w,
                          unit="W", low=acc.tdp_w, high=acc.tdp_w, distribution="fixed",
                          applies_to=acc.id, year=None, source_id="", override=True,
                          notes="accelerator for the models whose report names none (value: "
                                "its TDP)")
    field = QUANTITY_FIELD.get(name, name if name in ("accelerator_power",) else None)
    if field is None:
        raise UnknownAssumptionError(
            f"--assume {name}: unknown name; use one of "
            f"{', '.join(sorted(set(QUANTITY_FIELD) | {'accelerator', 'accelerator_power'}))}")
    if text.strip().lower() == "registry":
        return lookup(name, None, None, "default")
    m = re.fullmatch(r"\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?|nan)\s*(.*)", text, re.I)
    if not m:
        raise UnitError(f"--assume {name}={text}: not a number with an optional unit")
    value = float(m.group(1))
    unit = m.group(2).strip() or _default_unit(name)
    unit = _registry_spelling(unit)
    q = quantity(value, parse_unit(unit), field=field) if not math.isnan(value) else None
    if q is None:
        raise AssumptionRangeError(f"--assume {name}: value is NaN; give a number")
    check_value(name, q)
    return Assumption(id=f"override-{name}", quantity=name, value=value, unit=unit,
                      low=value, high=value, distribution="fixed", applies_to="override",
                      year=None, source_id="", override=True)


def _registry_spelling(unit: str) -> str:
    """``unit`` as the unit registry reads it: a report spelling that only
    :func:`audit.units.parse_unit` knows ("gCO2/kWh") is rewritten ("gCO2e / kWh")."""
    try:
        ureg.parse_units(unit)
        return unit
    except Exception:  # noqa: BLE001 - pint raises several kinds; parse_unit types them
        return f"{parse_unit(unit):~}"


def _default_unit(name: str) -> str:
    """The unit of a bare number given for ``name``: the unit of its registry rows."""
    units = {a.unit for a in registry().values() if a.quantity == name}
    if len(units) == 1:
        return units.pop()
    return {"carbon_intensity": "gCO2e/kWh", "gpu_hour_price": "USD/hour",
            "embodied_emissions": "kgCO2e", "accelerator_power": "W"}.get(name,
                                                                          "dimensionless")


def with_value(a: Assumption, value: float) -> Assumption:
    """A copy of ``a`` with a different central value (used for sensitivity swings)."""
    return replace(a, value=value)


__all__ = ["Assumption", "Accelerator", "accelerator", "accelerators", "find_accelerator",
           "get", "lookup", "override", "registry", "sources", "check_value", "ureg",
           "calculator_power", "carbon_intensity_for", "country_boxes", "location_keys"]
