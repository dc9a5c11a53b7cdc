"""Every assumption row: unit and dimension, low <= value <= high, source exists, ids unique."""

import csv
from importlib import resources

import pytest

from audit import assumptions as reg
from audit.units import check_dimension, quantity

ROWS = sorted(reg.registry().values(), key=lambda a: a.id)


@pytest.mark.parametrize("a", ROWS, ids=[a.id for a in ROWS])
def test_assumption_row(a):
    assert a.low <= a.value <= a.high
    assert a.distribution in reg.DISTRIBUTIONS
    check_dimension(quantity(a.value, a.unit), reg.QUANTITY_FIELD[a.quantity])
    assert a.source_id in reg.sources(), f"{a.id}: source {a.source_id} missing"


def test_ids_unique_across_tables():
    ids = []
    for t in reg.LONG_TABLES:
        text = (resources.files("audit") / "data" / f"{t}.csv").read_text(encoding="utf-8")
        ids += [r["id"] for r in csv.DictReader(text.splitlines())]
    assert len(ids) == len(set(ids))


ACCS = sorted(reg.accelerators().values(), key=lambda a: a.id)


@pytest.mark.parametrize("acc", ACCS, ids=[a.id for a in ACCS])
def test_accelerator_row(acc):
    assert acc.source_id in reg.sources()
    assert acc.tdp_low_w <= acc.tdp_w <= acc.tdp_high_w
    assert acc.peaks, "needs at least one dense peak"
    if "fp8" in acc.peaks and "bf16" in acc.peaks:
        assert acc.peaks["fp8"] <= 2.01 * acc.peaks["bf16"]


@pytest.mark.parametrize(("printed", "acc_id"), [
    ("A100-80GB", "nvidia-a100-sxm4-80gb"), ("80GB A100", "nvidia-a100-sxm4-80gb"),
    ("H100 SXM5 80GB", "nvidia-h100-sxm5-80gb"), ("H800", "nvidia-h800-sxm5-80gb"),
    ("H100-80GB", "nvidia-h100"),  # SXM or PCIe: the variant-unspecified row
    ("TPUv5e", "google-tpu-v5e"), ("TPU v4", "google-tpu-v4"), ("A100 PCIe 40GB",
                                                              "nvidia-a100-pcie-40gb")])
def test_aliases(printed, acc_id):
    assert reg.find_accelerator(printed) == acc_id


def test_dense_peaks_from_datasheets():
    # dense, never the 2:4-sparse figure: A100 bf16 312 TFLOP/s, H100 SXM bf16 989.4
    assert reg.accelerator("nvidia-a100-sxm4-80gb").peak("bf16").magnitude == pytest.approx(
        312e12)
    assert reg.accelerator("nvidia-h100-sxm5-80gb").peak().magnitude == pytest.approx(
        989.4e12, rel=1e-3)
    assert reg.accelerator("nvidia-h800-sxm5-80gb").id != reg.accelerator("H100").id


def test_unknown_accelerator_lists_close_matches():
    with pytest.raises(reg.UnknownAssumptionError, match="closest"):
        reg.accelerator("nvidia-a1000")


@pytest.mark.parametrize(("text", "keys"), [
    ("US", ["US"]), ("France", ["FR"]), ("US-VA", ["US-VA", "US"]),
    ("Council Bluffs, Iowa", ["US-IA", "US"]), ("us-central1", ["gcp:us-central1", "US"]),
    ("Jean Zay, Paris, France", ["FR"]), ("world", []), (None, []),
    ("Tbilisi, Georgia", []), ("Washington, D.C., USA", ["US"])])
def test_location_keys(text, keys):
    assert reg.location_keys(text) == keys


CI_ROWS = [a for a in ROWS if a.quantity == "carbon_intensity" and a.applies_to != "world"]


@pytest.mark.parametrize("a", CI_ROWS, ids=[a.id for a in CI_ROWS])
def test_every_grid_row_is_reachable_by_its_location(a):
    row, note = reg.carbon_intensity_for(a.applies_to, a.year)
    assert (row.id, note) == (a.id, None)


def test_carbon_intensity_year_and_fallbacks():
    assert reg.carbon_intensity_for("AE", 2024)[0].id == "ci-ae-2022"  # newest <= year
    row, note = reg.carbon_intensity_for(None, 2023)
    assert row.id == "ci-world-2023" and note[0] == "CI_WORLD_FALLBACK"
    row, note = reg.carbon_intensity_for("US-NY", 2023)
    assert row.id == "ci-us-2023" and note[0] == "CI_LOCATION_FALLBACK"


@pytest.mark.parametrize(("name", "value"), [("checkpoint_overhead", 0.05),
                                              ("development_multiplier", 2.0)])
def test_opt_in_rows_from_registry(name, value):
    a = reg.override(name, "registry")
    assert a.value == value and a.low <= a.value <= a.high and not a.override
    assert a.source_id in reg.sources()
    assert reg.override(name, "0" if name == "checkpoint_overhead" else "1").override


def test_split_uniform_keeps_the_median_inside_the_interval():
    import numpy as np

    u = np.array([0.0, 0.05, 0.5, 0.95, 1.0])
    assert reg.split_uniform_ppf(u, 1.0, 2.0, 6.0) == pytest.approx([1.0, 1.1, 2.0, 5.6, 6.0])
    price = reg.lookup("gpu_hour_price", "nvidia-h100-sxm5-80gb", 2025, "default")
    assert price.distribution == "split-uniform"  # value 2.99 = median of observed prices
    from audit.reconstruct import sample

    draws = sample(price, 20_000, np.random.default_rng(1))
    assert np.median(draws) == pytest.approx(price.value, rel=0.02)
    lo, hi = np.percentile(draws, [5, 95])
    assert lo < price.value < hi


@pytest.mark.parametrize("name, unit", [
    ("hardware_lifetime", "year"), ("calculator_power", "W"), ("carbon_intensity", "gCO2e/kWh"),
    ("pue", "dimensionless")])
def test_bare_override_is_read_in_the_registry_unit(name, unit):
    assert reg.override(name, "5").unit == unit


def test_override_in_a_report_spelling_audits():
    """'gCO2/kWh' (no e) is read by parse_unit; the override keeps a spelling every later
    step reads (it used to end in an internal error)."""
    from audit.extract import extract_text
    from audit.pipeline import audit_disclosure

    a = reg.override("carbon_intensity", "57 gCO2/kWh")
    d = extract_text("# T-7B\n\nT-7B was trained for 20,000 GPU hours on H100 SXM5 GPUs.\n")
    (fp,) = audit_disclosure(d, overrides={"carbon_intensity": a}, samples=200,
                             analyse=False).footprints
    assert fp.meters["carbon_intensity"].value == 57


@pytest.mark.parametrize("text, acc_id", [
    ("512 H100-80G", "nvidia-h100"), ("V100-32G", "nvidia-v100"),
    ("H800-80G", "nvidia-h800-sxm5-80gb"), ("A100-SXM4-80GB", "nvidia-a100-sxm4-80gb"),
    ("80GB A100", "nvidia-a100-sxm4-80gb"), ("a1000 GPU", None)])
def test_a_memory_size_after_the_chip_is_not_part_of_its_number(text, acc_id):
    assert reg.find_accelerator(text) == acc_id
