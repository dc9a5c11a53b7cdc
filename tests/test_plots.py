"""Charts: PNG files, and the same inputs give byte-identical files."""

import pytest

from audit.plots import meters_chart, thresholds_chart, tornado
from audit.records import Flag, Footprint, Meter
from audit.sensitivity import SensitivityRow

PNG = b"\x89PNG\r\n\x1a\n"


def _rows():
    base = dict(report_id="r", model="M", meter="emissions", central=100.0, unit="tCO2e")
    return [SensitivityRow(assumption="tdp-fraction-default", name="tdp_fraction",
                           swing_low=66.7, swing_high=133.3, S1=0.8, ST=0.8, rank=1, low=0.5,
                           high=1.0, **base),
            SensitivityRow(assumption="pue-unknown-2024", name="pue", swing_low=83.3,
                           swing_high=109.0, S1=0.2, ST=0.2, rank=2, low=1.3, high=1.7,
                           **base)]


def _flags():
    common = dict(report_id="r", method="6ND", estimate_low=2e24, estimate_high=5e24)
    return [Flag(model="A", regime="eu-ai-act-art51", threshold=1e25, verdict="below",
                 estimate=3e24, **common),
            Flag(model="A", regime="us-ca-sb53", threshold=1e26, verdict="below",
                 estimate=3e24, **common),
            Flag(model="B", regime="eu-ai-act-art51", threshold=1e25, verdict="above",
                 estimate=4e25, method="reported", report_id="r")]


def _footprints():
    def m(v, lo, hi, unit, status="derived"):
        return Meter(value=v, unit=unit, status=status, low=lo, high=hi)

    return [Footprint(report_id="r", model="A", kind="model", meters={
                "accelerator_hours": m(1e6, 1e6, 1e6, "hour", "reported"),
                "emissions": m(500, 300, 700, "tCO2e"), "cost": m(2e6, 1e6, 4e6, "USD")}),
            Footprint(report_id="r", model="B", kind="model", meters={
                "emissions": m(0, 0, 0, "tCO2e", "reported")})]


def test_tornado(tmp_path):
    a = tornado(_rows(), tmp_path / "a.png")
    b = tornado(_rows(), tmp_path / "sub" / "b.png")
    assert a.read_bytes().startswith(PNG)
    assert a.read_bytes() == b.read_bytes()
    empty = tornado(_rows(), tmp_path / "cost.png", meter="cost")
    assert empty.read_bytes().startswith(PNG)


def test_thresholds_chart(tmp_path):
    a = thresholds_chart(_flags(), tmp_path / "t1.png")
    b = thresholds_chart(_flags(), tmp_path / "t2.png")
    assert a.read_bytes().startswith(PNG) and a.read_bytes() == b.read_bytes()
    assert thresholds_chart([], tmp_path / "none.png").read_bytes().startswith(PNG)


def test_meters_chart(tmp_path):
    a = meters_chart(_footprints(), tmp_path / "m1.png")
    b = meters_chart(_footprints(), tmp_path / "m2.png")
    assert a.read_bytes().startswith(PNG) and a.read_bytes() == b.read_bytes()
    assert b"Software" not in a.read_bytes()


def test_meters_chart_converts_units(tmp_path, monkeypatch):
    """A kgCO2e row and a tCO2e row share one axis in tCO2e (not 1000x apart)."""
    from audit import plots
    from audit.records import Footprint, Meter

    drawn = []
    real = plots._interval
    monkeypatch.setattr(plots, "_interval",
                        lambda ax, y, v, lo, hi, *a: drawn.append(v) or real(ax, y, v, lo, hi,
                                                                              *a))
    fps = [Footprint("r", "a", "model", {"emissions": Meter(24_690, "kgCO2e", "reported")}),
           Footprint("r", "b", "model", {"emissions": Meter(24.69, "tCO2e", "reported")})]
    plots.meters_chart(fps, tmp_path / "m.png")
    assert drawn == [pytest.approx(24.69), pytest.approx(24.69)]
