"""The one pint registry of footprint-audit, and small dimension guards.

All quantities in the library are ``pint.Quantity`` objects built from :data:`ureg`.  The
registry adds three dimensions to pint's defaults (``audit/data/units.txt``): ``FLOP``
(``[computation]``), ``gCO2e`` (``[emissions]``, with ``kgCO2e`` and ``tCO2e``) and ``USD``
(``[currency]``).  :func:`parse_unit` turns the unit spellings that reports print
(``tCO2eq``, ``t CO2e``, ``metric tons CO2eq``, ``kW h``, ``GPU hours``, ``PF-days``...) into
registry units.
"""

from __future__ import annotations

import math
import re
import tokenize
from importlib import resources
from typing import Any

import pint

from audit.errors import UnitError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
with resources.as_file(resources.files("audit") / "data" / "units.txt") as _path:
    ureg.load_definitions(str(_path))
ureg.formatter.default_format = "~"
Q_ = ureg.Quantity
Quantity = pint.Quantity

# The canonical unit of each glossary field (DESIGN.md section 4).
FIELD_UNITS: dict[str, str] = {
    "accelerator_hours": "hour",
    "accelerator_power": "W",
    "tdp": "W",
    "energy": "MWh",
    "it_energy": "MWh",
    "facility_energy": "MWh",
    "emissions": "tCO2e",
    "emissions_location": "tCO2e",
    "emissions_market": "tCO2e",
    "embodied_emissions": "tCO2e",
    "pue": "dimensionless",
    "carbon_intensity": "gCO2e/kWh",
    "training_compute": "FLOP",
    "peak_throughput": "FLOP/s",
    "achieved_throughput": "FLOP/s",
    "mfu": "dimensionless",
    "n_parameters": "dimensionless",
    "n_active_parameters": "dimensionless",
    "n_tokens": "dimensionless",
    "accelerator_count": "dimensionless",
    "training_duration": "hour",
    "cost": "USD",
    "gpu_hour_price": "USD/hour",
    "accelerator_hours_per_trillion_tokens": "hour",
    "tdp_fraction": "dimensionless",
    "speedup": "dimensionless",
}

# Report spellings -> registry spellings.  Applied in order, case-insensitively, on a string
# whose CO2 subscripts and "eq" endings have already been folded.
_UNIT_ALIASES: list[tuple[str, str]] = [
    (r"\b(?:gpu|chip|accelerator|tpu|a100|h100|h800|v100)[\s-]*(hours?|hrs?|h)\b", "hour"),
    (r"\b(?:gpu|chip|accelerator|tpu)[\s-]*days?\b", "day"),
    (r"\bpf(?:lop)?(?:/s|s)?[\s-]*days?\b", "PFLOP_day"),
    (r"\bpetaflop(?:/s|s)?[\s-]*days?\b", "PFLOP_day"),
    (r"\b(?:metric\s+)?(?:tonnes?|tons?)\s*co2e\b", "tCO2e"),
    (r"\bt\s*co2e\b", "tCO2e"),
    (r"\bkg\s*co2e\b", "kgCO2e"),
    (r"\bg\s*co2e\b", "gCO2e"),
    (r"\blbs?\s*co2e\b", "lbCO2e"),
    (r"\bkw\s*h\b", "kWh"),
    (r"\bmw\s*h\b", "MWh"),
    (r"\bgw\s*h\b", "GWh"),
    (r"\bflops?\b", "FLOP"),
    (r"\$|\busd\b|\bdollars?\b", "USD"),
    (r"\bper\b", "/"),
]


def _fold_co2(text: str) -> str:
    text = text.replace("\u2082", "2").replace("<sub>2</sub>", "2")
    # CO2, CO2e, CO2eq, CO2-eq, CO2 eq., CO2-equivalent -> CO2e
    return re.sub(r"(?:(?<=\bt)|(?<=\bg)|(?<=\bkg)|(?<=\blb)|(?<=\blbs)|\b)"
                  r"co\s*2?\s*[-\s]?(?:e(?:q(?:uivalent|\.)?)?)?\.?(?![a-z])", "co2e", text,
                  flags=re.I)


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit as reports print it into a registry unit.

    Parameters
    ----------
    text : str
        A unit string such as ``"tCO2eq"``, ``"t CO2e"``, ``"kg CO2 eq."``, ``"MWh"``,
        ``"kW h"``, ``"GPU hours"``, ``"GPU-days"``, ``"PF-days"``, ``"gCO2eq/kWh"``,
        ``"USD/hour"``.

    Returns
    -------
    pint.Unit
        The unit in :data:`ureg`.

    Raises
    ------
    UnitError
        If the string is empty or does not name a unit.

    Examples
    --------
    >>> str(parse_unit("t CO2eq"))
    'tCO2e'
    >>> str(parse_unit("GPU hours"))
    'h'
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"empty unit {text!r}: give a unit such as 'MWh' or 'tCO2e'")
    s = _fold_co2(text.strip())
    for pattern, repl in _UNIT_ALIASES:
        s = re.sub(pattern, repl, s, flags=re.I)
    s = re.sub(r"\s*/\s*", "/", s).strip()
    if s.lower() in {"ratio", "count", "fraction", "parameters", "tokens", "gpu", "gpus",
                     "chips", "percent-free", "x"}:
        s = "dimensionless"
    try:
        unit = ureg.parse_units(s)
    except (pint.errors.PintError, ValueError, TypeError, AttributeError, SyntaxError,
            AssertionError, KeyError, IndexError, ZeroDivisionError, tokenize.TokenError) as exc:
        raise UnitError(f"unit {text!r} does not parse ({exc}); use a unit such as "
                        "'MWh', 'tCO2e', 'gCO2e/kWh', 'hour', 'FLOP', 'USD'") from None
    return unit


def quantity(value: Any, unit: str | pint.Unit, *, field: str | None = None) -> pint.Quantity:
    """Build a Quantity, checking the dimension against a glossary field.

    Parameters
    ----------
    value : float or array_like
        Magnitude; NaN is refused.
    unit : str or pint.Unit
        Unit, parsed with :func:`parse_unit` if a string.
    field : str, optional
        Glossary name (e.g. ``"pue"``); when given the dimension must match
        :data:`FIELD_UNITS` [field].

    Returns
    -------
    pint.Quantity

    Raises
    ------
    UnitError
        If the unit does not parse or has the wrong dimension for ``field``.
    """
    u = parse_unit(unit) if isinstance(unit, str) else unit
    if isinstance(value, float) and math.isnan(value):
        raise UnitError(f"{field or 'value'} is NaN: give a number")
    q = Q_(value, u)
    if field is not None:
        check_dimension(q, field)
    return q


def check_dimension(q: Any, field: str) -> pint.Quantity:
    """Return ``q`` if it has the dimension of ``field``, else raise.

    Parameters
    ----------
    q : pint.Quantity
        The quantity to check.
    field : str
        Glossary name; its unit is :data:`FIELD_UNITS` [field].

    Raises
    ------
    UnitError
        If ``q`` is not a Quantity or its dimension is not that of ``field``.
    """
    expected = FIELD_UNITS[field]
    if not isinstance(q, pint.Quantity):
        q = Q_(q, "dimensionless")
    if not q.check(ureg.parse_units(expected).dimensionality):
        raise UnitError(f"{field} must be in {expected} (dimension "
                        f"{ureg.parse_units(expected).dimensionality}), got {q:~P}")
    return q


def to_field_unit(q: pint.Quantity, field: str) -> pint.Quantity:
    """Convert ``q`` to the canonical unit of ``field`` (checking the dimension first)."""
    return check_dimension(q, field).to(FIELD_UNITS[field])
