"""Number and label parsing on the notations real reports print."""

import pytest

from audit.extract.figures import classify_label, is_numeric_cell, parse_number


@pytest.mark.parametrize(("text", "value", "bound"), [
    ("1,082,990", 1082990, "exact"), ("3.3M", 3.3e6, "exact"), ("1400K", 1.4e6, "exact"),
    ("172.8K", 172800, "exact"), ("370k", 370000, "exact"), ("~455", 455, "approximate"),
    ("∼455", 455, "approximate"), ("approximately 21 days", 21, "approximate"),
    ("15T+", 15e12, "lower"), ("4.3e23", 4.3e23, "exact"), ("4.3 x 10^23", 4.3e23, "exact"),
    ("8.35 × 1023", 8.35e23, "exact"), ("$5.576M", 5.576e6, "exact"), ("1,11", 1.11, "exact"),
    ("2.788 million", 2.788e6, "exact"), ("up to 9T", 9e12, "upper"), ("1.7", 1.7, "exact"),
])
def test_parse_number(text, value, bound):
    n = parse_number(text)
    assert n.value == pytest.approx(value)
    assert n.bound == bound


def test_no_number():
    assert parse_number("Negligible**") is None


@pytest.mark.parametrize(("cell", "numeric"), [
    ("356MWh", True), ("400W", True), ("1.46M", True), ("2,040", True), ("A100-80GB", False),
    ("Llama 3.1 8B", False), ("-", False)])
def test_is_numeric_cell(cell, numeric):
    assert is_numeric_cell(cell) is numeric


@pytest.mark.parametrize(("label", "field", "unit", "basis"), [
    ("Time (GPU hours)", "accelerator_hours", "hour", None),
    ("Power Consumption (W)", "accelerator_power", "W", None),
    ("Total power consumption (MWh)", "energy", "MWh", None),
    ("Carbon Emitted(tCO<sub>2</sub>eq)", "emissions", "tCO2e", None),
    ("Training Location-Based Greenhouse Gas Emissions (tons CO2eq)", "emissions", "tCO2e",
     "location"),
    ("Training Market-Based GHG (tons CO2eq)", "emissions", "tCO2e", "market"),
    ("Carbon emitted (tCO eq) 2", "emissions", "tCO2e", None),
])
def test_classify_label(label, field, unit, basis):
    lab = classify_label(label)
    assert (lab.field, lab.unit, lab.basis) == (field, unit, basis)


@pytest.mark.parametrize("label", ["Context length", "Memory footprints (in GB)", "GQA"])
def test_labels_that_are_not_disclosures(label):
    assert classify_label(label) is None
