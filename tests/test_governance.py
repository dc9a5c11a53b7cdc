"""Threshold rules as dated data, and verdicts on real disclosures."""

from datetime import date

import pytest

from audit.extract import extract
from audit.governance import flag, flags, rules, rules_in_force
from audit.pipeline import default_registry
from audit.reconstruct import reconstruct
from audit.records import Footprint, Meter, load_disclosure

ON = date(2026, 11, 30)


def test_rules_in_force_by_date():
    ids = {r.id for r in rules_in_force(ON)}
    assert {"eu-ai-act-art51", "us-ca-sb53"} <= ids
    assert "us-eo-14110" not in ids  # rescinded 2025-01-20
    assert "us-eo-14110" in {r.id for r in rules_in_force(date(2024, 6, 1))}
    assert "us-ca-sb53" not in {r.id for r in rules_in_force(date(2025, 6, 1))}


def test_rule_values():
    by_id = {r.id: r for r in rules()}
    assert by_id["eu-ai-act-art51"].threshold == 1e25
    assert by_id["eu-ai-act-art51"].comparison == "gt"
    assert by_id["us-ca-sb53"].threshold == 1e26
    assert by_id["us-eo-14110"].effective_to == date(2025, 1, 20)


def _fp(value, low=None, high=None, status="derived", key="training_compute_6nd"):
    m = Meter(value=value, unit="FLOP", status=status, low=low, high=high)
    meters = {"training_compute": m, key: m}
    return Footprint(report_id="t", model="m", kind="model", meters=meters)


@pytest.mark.parametrize(("value", "low", "high", "verdict"), [
    (3e25, 2e25, 4e25, "above"), (3e24, 2e24, 4e24, "below"), (1.2e25, 0.8e25, 1.5e25,
                                                                "uncertain"),
    (1e25, 1e25, 1e25, "below"),  # exactly 1e25 is not above: the comparison is strict
])
def test_verdicts(value, low, high, verdict):
    eu = next(r for r in rules() if r.id == "eu-ai-act-art51")
    assert flag(_fp(value, low, high), eu).verdict == verdict


def test_unknown_without_compute():
    eu = next(r for r in rules() if r.id == "eu-ai-act-art51")
    fp = Footprint(report_id="t", model="m", kind="model", meters={})
    assert flag(fp, eu).verdict == "unknown"


def test_llama31_405b_card(corpus):
    d = extract(corpus / "cards" / "llama3_1-model-card.md")
    fps = [fp for fp in reconstruct(d, samples=4000) if fp.model == "Llama 3.1 405B"]
    got = {f.regime: f for f in flags(fps, ON)}
    assert got["eu-ai-act-art51"].verdict == "above"
    assert got["eu-ai-act-art51"].p_exceed == 1.0
    assert got["us-ca-sb53"].verdict == "below"
    assert got["eu-ai-act-art51"].estimate == pytest.approx(3.645e25)  # 6 x 405B x 15T


def test_deepseek_v3_registry_below_eu_line():
    d = load_disclosure(default_registry() / "deepseek-v3-2024.json")
    fps = reconstruct(d, samples=4000)
    eu = [f for f in flags(fps, ON) if f.regime == "eu-ai-act-art51"]
    assert eu and eu[0].verdict == "below"
    assert eu[0].estimate == pytest.approx(3.2856e24, rel=1e-3)  # 6 x 37B x 14.8T
