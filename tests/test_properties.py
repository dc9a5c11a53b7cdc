"""Property-based tests (hypothesis): parsers and the record loader never fail untyped.

- ``parse_number`` on any text returns a Number or None; ``parse_unit`` returns a unit or
  raises UnitError; ``quantity`` raises only typed errors.
- Format-then-parse round-trips: numbers printed the ways reports print them, and every unit
  of the glossary printed by pint, parse back to the same value / unit.
- The record loader, fed any JSON (or a valid record with one value replaced by any JSON),
  returns records or raises SchemaError; records written and read back are equal.
"""

from __future__ import annotations

import json
import math

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from audit.errors import AuditError, SchemaError, UnitError  # noqa: E402
from audit.extract.figures import parse_number  # noqa: E402
from audit.pipeline import default_registry  # noqa: E402
from audit.records import (  # noqa: E402
    Disclosure,
    Figure,
    ModelDisclosure,
    load_disclosures,
    safe_filename,
)
from audit.units import FIELD_UNITS, Q_, parse_unit, quantity  # noqa: E402

# derandomize: the same examples on every run (CI never turns red by chance); database=None:
# no .hypothesis folder written into the checkout.
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
REPORT_ALPHABET = st.sampled_from(list("0123456789.,~+-eExX*^ MKBTkGgWhHs/$%()") +
                                  ["×", "∼", "≈", "−", "\u2009", "\xa0", "CO2", "CO₂", "eq",
                                   "GPU", "hours", "tons", "MWh", "kW h", "PF-days", "FLOP",
                                   "million", "billion", "10^", "approximately", "t"])
report_text = st.one_of(st.text(max_size=60),
                        st.lists(REPORT_ALPHABET, max_size=14).map("".join))


@SETTINGS
@given(report_text)
def test_parse_number_never_raises(text):
    try:
        n = parse_number(text)
    except AuditError:
        return
    assert n is None or (isinstance(n.value, float) and n.bound in (
        "exact", "approximate", "lower", "upper"))


@SETTINGS
@given(report_text)
def test_parse_unit_raises_only_unit_error(text):
    try:
        parse_unit(text)
    except UnitError:
        pass


@SETTINGS
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers()),
       report_text, st.sampled_from(sorted(FIELD_UNITS)))
def test_quantity_raises_only_typed_errors(value, unit, field):
    try:
        quantity(value, unit, field=field)
    except AuditError:
        pass


def _printed(value: float, style: str) -> tuple[str, float]:
    """``value`` printed one way reports print numbers, and the value that print means."""
    if style == "plain":
        text = f"{value:.6g}" if "e" not in f"{value:.6g}" else f"{value:.6f}"
        return text, float(text)
    if style == "thousands":
        return f"{round(value):,}", float(round(value))
    if style == "e":
        text = f"{value:.3e}"
        return text, float(text)
    if style == "times-ten":
        m, e = f"{value:.3e}".split("e")
        return f"{m} × 10^{int(e)}", float(f"{m}e{e}")
    if style in ("M", "B", "T", "K"):
        scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[style]
        text = f"{value / scale:.3g}"
        assume("e" not in text)
        return f"{text}{style}", float(text) * scale
    if style == "approx":
        text = f"{value:.4g}"
        assume("e" not in text)
        return f"~{text}", float(text)
    raise AssertionError(style)


@SETTINGS
@given(st.floats(min_value=1e-2, max_value=1e15, allow_nan=False),
       st.sampled_from(["plain", "thousands", "e", "times-ten", "M", "B", "T", "K", "approx"]))
def test_number_format_then_parse_round_trips(value, style):
    text, meant = _printed(value, style)
    assume(meant > 0)
    n = parse_number(text)
    assert n is not None, text
    assert math.isclose(n.value, meant, rel_tol=1e-9), (text, n)
    if style == "approx":
        assert n.bound == "approximate"


UNITS = sorted(set(FIELD_UNITS.values()) | {"kWh", "GWh", "kgCO2e", "gCO2e", "PFLOP/s",
                                              "TFLOP/s", "USD/hour", "day", "kW", "MW"})


@SETTINGS
@given(st.sampled_from(UNITS), st.floats(min_value=1e-6, max_value=1e20, allow_nan=False),
       st.sampled_from(["~", "~P", "", "D"]))
def test_unit_format_then_parse_round_trips(unit, value, spec):
    q = Q_(value, parse_unit(unit))
    printed = format(q.units, spec) if spec else str(q.units)
    if not printed:  # dimensionless prints as nothing
        printed = "dimensionless"
    back = Q_(value, parse_unit(printed))
    assert back.units == q.units or math.isclose(back.to(q.units).magnitude, value,
                                                 rel_tol=1e-12), printed


# --- the record loader -------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)


@SETTINGS
@given(json_values)
def test_loader_on_any_json_raises_only_schema_error(tmp_path, value):
    p = tmp_path / "any.json"
    p.write_text(json.dumps(value), encoding="utf-8")
    try:
        load_disclosures(p)
    except SchemaError:
        pass


_VALID = json.loads((default_registry() / "llama2-card.json").read_text(encoding="utf-8"))


def _paths(obj, prefix=()):  # noqa: ANN001, ANN202
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


_ALL_PATHS = [p for p in _paths(_VALID) if p]


@SETTINGS
@given(st.sampled_from(_ALL_PATHS), json_values)
def test_loader_on_a_damaged_record_raises_only_schema_error(tmp_path, path, value):
    data = json.loads(json.dumps(_VALID))
    target = data
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value
    p = tmp_path / "damaged.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    try:
        load_disclosures(p)
    except SchemaError as exc:
        assert "damaged.json" in str(exc)


FIELDS = ["accelerator_hours", "energy", "emissions", "training_compute", "n_parameters",
          "pue", "carbon_intensity", "cost"]
_UNIT_OF = {"accelerator_hours": "hour", "energy": "MWh", "emissions": "tCO2e",
            "training_compute": "FLOP", "n_parameters": "dimensionless",
            "pue": "dimensionless", "carbon_intensity": "gCO2e/kWh", "cost": "USD"}
figures = st.builds(
    lambda f, v, page, text, bound: Figure(field=f, value=(1 + v) if f == "pue" else v,
                                           unit=_UNIT_OF[f], page=page, text=text,
                                           bound=bound),
    st.sampled_from(FIELDS), st.floats(min_value=1e-3, max_value=1e26, allow_nan=False),
    st.one_of(st.none(), st.integers(1, 500)), st.one_of(st.none(), st.text(max_size=30)),
    st.sampled_from(["exact", "approximate", "lower", "upper"]))
models = st.builds(lambda name, figs: ModelDisclosure(name=name, figures=tuple(figs)),
                   st.text(min_size=1, max_size=20), st.lists(figures, max_size=5))
disclosures = st.builds(
    lambda rid, title, ms: Disclosure(report_id=rid, source={"title": title},
                                      models=tuple(ms)),
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True),
    st.text(min_size=1, max_size=30), st.lists(models, max_size=3))


@SETTINGS
@given(disclosures)
def test_records_round_trip(tmp_path, d):
    from audit.records import dump_json, load_disclosure

    p = tmp_path / "rt.json"
    p.write_text(dump_json(d.to_dict()), encoding="utf-8")
    assert load_disclosure(p) == d


@SETTINGS
@given(st.text(max_size=200))
def test_safe_filename_never_escapes(name):
    s = safe_filename(name)
    assert s and "/" not in s and "\\" not in s and ".." not in s
    assert not s.startswith((".", "-")) and len(s) <= 80
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in s)
