"""The pint registry: custom dimensions, report spellings, wrong dimensions raise."""

import pytest

from audit.errors import UnitError
from audit.units import Q_, check_dimension, parse_unit, quantity


@pytest.mark.parametrize(("printed", "canonical"), [
    ("tCO2eq", "tCO2e"), ("t CO2e", "tCO2e"), ("metric tons CO2eq", "tCO2e"),
    ("tons CO2eq", "tCO2e"), ("kg CO2 eq.", "kgCO2e"), ("tCO eq", "tCO2e"),
    ("lbs CO2e", "lbCO2e"), ("MWh", "MWh"), ("kW h", "kWh"), ("GPU hours", "hour"),
    ("GPU-days", "day"), ("PF-days", "PFLOP_day"), ("FLOPs", "FLOP"),
    ("gCO2eq/kWh", "gCO2e/kWh"), ("kgCO2eq/KWh", "kgCO2e/kWh"), ("USD/hour", "USD/hour"),
])
def test_parse_unit_report_spellings(printed, canonical):
    assert Q_(1, parse_unit(printed)).to(canonical).magnitude == pytest.approx(1)


def test_energy_times_intensity_is_emissions():
    assert (Q_(1, "MWh") * Q_(385, "gCO2e/kWh")).to("tCO2e").magnitude == pytest.approx(0.385)


def test_pflop_day_is_8_64e19_flop():
    assert Q_(4.5e5, "PFLOP_day").to("FLOP").magnitude == pytest.approx(3.888e25)
    assert Q_(1, parse_unit("PFLOP/s*day")).to("FLOP").magnitude == pytest.approx(8.64e19)


def test_emissions_never_convert_to_mass():
    with pytest.raises(Exception, match="emissions"):
        Q_(1, "tCO2e").to("kg")


@pytest.mark.parametrize(("value", "unit", "field"), [
    (700, "W", "energy"), (3, "kWh", "pue"), (1, "tCO2e", "carbon_intensity"),
    (1e25, "FLOP/s", "training_compute")])
def test_wrong_dimension_raises(value, unit, field):
    with pytest.raises(UnitError, match=field):
        quantity(value, unit, field=field)


def test_bad_unit_string_is_typed():
    with pytest.raises(UnitError, match="does not parse"):
        parse_unit("furlongs of CO2 per fortnight")
    with pytest.raises(UnitError):
        parse_unit("")


def test_check_dimension_accepts_convertible_units():
    assert check_dimension(Q_(2, "GWh"), "energy").to("MWh").magnitude == 2000
