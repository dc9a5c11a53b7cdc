"""Disclosure completeness: statuses, score and the most valuable missing disclosure."""

import pytest

from audit.completeness import FRAME_COLUMNS, ITEMS, assess, completeness_frame
from audit.pipeline import default_registry
from audit.reconstruct import reconstruct
from audit.records import Footprint, load_disclosure
from audit.sensitivity import analyse


def _one(report, model):
    d = load_disclosure(default_registry() / report)
    fp = next(f for f in reconstruct(d, samples=1000) if f.model == model)
    return d, d.model(model), fp


def test_deepseek_v3():
    """GPU-hours, chip, count, precision, stage split and price are stated; energy, PUE and
    grid are not, and measured energy is what would shrink the emissions interval most
    (it replaces the power model, ~79 % of the variance of log-emissions)."""
    d, m, fp = _one("deepseek-v3-2024.json", "DeepSeek-V3")
    c = assess(m, fp, rows=analyse(d, fp, meters=("emissions",), samples=512, seed=1))
    assert [i for i, _, _ in c.items] == [i for i, _ in ITEMS]
    status = {i: s for i, s, _ in c.items}
    assert status == {
        "training_compute": "assumed",  # 6ND from the disclosed 37B active x 14.8T
        "accelerator": "disclosed", "accelerator_count": "disclosed",
        "accelerator_hours": "disclosed", "energy": "assumed", "pue": "assumed",
        "carbon_intensity": "assumed", "precision": "disclosed",
        "post_training_compute": "disclosed", "experimental_runs": "missing",
        "price": "disclosed"}
    assert c.score == pytest.approx(6 / 11)
    assert c.most_valuable == "energy"
    assert c.most_valuable_share == pytest.approx(0.79, abs=0.04)
    assert "ci-cn-2023" in dict((i, n) for i, _, n in c.items)["carbon_intensity"]


def test_assess_runs_the_sensitivity_itself():
    _, m, fp = _one("deepseek-v3-2024.json", "DeepSeek-V3")
    c = assess(m, fp, samples=256, seed=1)
    assert c.most_valuable == "energy"


def test_grid_is_most_valuable_for_bloom():
    """BLOOM states GPU-hours on A100s in France: the French grid's range (18-56 gCO2e/kWh)
    dominates, so the carbon intensity is the disclosure that would help most."""
    d, m, fp = _one("bloom-bigscience2022.json", "BLOOM")
    c = assess(m, fp, samples=512, seed=1)
    assert c.most_valuable == "carbon_intensity"
    assert c.status("carbon_intensity") == "assumed"


def test_reported_emissions_and_nothing_disclosed():
    _, m, fp = _one("llama3.1-card.json", "Llama 3.1 405B")
    c = assess(m, fp, samples=64)
    assert c.most_valuable is None and "emissions reported" in c.note
    assert c.status("carbon_intensity") == "disclosed"  # location-based tCO2e stated
    _, m, fp = _one("deepseek-r1-2025.json", "DeepSeek-R1")
    c = assess(m, fp, samples=64)
    assert c.score == 0.0
    assert c.most_valuable == "energy" and "could not be estimated" in c.note


def test_frame_and_errors():
    _, m, fp = _one("deepseek-v3-2024.json", "DeepSeek-V3")
    c = assess(m, fp, rows=[])
    df = completeness_frame([c, c])
    assert list(df.columns) == FRAME_COLUMNS
    assert len(df) == 2 * len(ITEMS)
    assert set(df["status"]) <= {"disclosed", "assumed", "missing"}
    other = Footprint(report_id="x", model="other", kind="model", meters={})
    with pytest.raises(ValueError, match="other"):
        assess(m, other, rows=[])
    with pytest.raises(KeyError):
        c.status("nonsense")


def test_checklist_names_an_override_and_no_printed_none():
    """An --assume'd intensity is the user's, not "world average = 57"; an accelerator known
    only from metadata prints no "(printed None)"."""
    import dataclasses

    from audit.assumptions import override
    from audit.extract import extract_text

    d = extract_text("# Testmodel-180B\n\nTestmodel-180B has 180B parameters and was trained "
                     "on 3,500B tokens on A100 40GB GPUs.\n")
    d = dataclasses.replace(d, models=tuple(dataclasses.replace(m, accelerator_printed=None)
                                            for m in d.models))
    m = d.models[0]
    fp = reconstruct(d, samples=200,
                     overrides={"carbon_intensity": override("carbon_intensity",
                                                             "57 gCO2e/kWh")})[0]
    notes = {i: n for i, _, n in assess(m, fp).items}
    assert "your override" in notes["carbon_intensity"] and "world" not in notes["carbon_intensity"]
    assert "None" not in notes["accelerator"] and "nvidia-a100-sxm4-40gb" in notes["accelerator"]
