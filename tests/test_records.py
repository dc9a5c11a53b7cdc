"""Schemas: shipped, valid; records validated on read and write; registry records valid."""

import json
import zipfile
from pathlib import Path

import pytest

from audit.errors import MissingInputError, SchemaError
from audit.pipeline import default_registry
from audit.records import load_disclosure, load_disclosures, schema, write_atomic

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["disclosure", "footprint", "flag"])
def test_schemas_are_valid_2020_12(name):
    import jsonschema

    s = schema(name)
    assert s["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(s)


def test_registry_records_validate_and_cover_25_models():
    files = sorted(default_registry().glob("*.json"))
    models = [m for f in files for m in load_disclosure(f).models]
    assert len([m for m in models if m.kind == "model"]) >= 25


def test_bad_records_name_file_and_field(tmp_path):
    p = tmp_path / "r.json"
    p.write_text("{not json")
    with pytest.raises(SchemaError, match="r.json: not valid JSON"):
        load_disclosure(p)
    good = json.loads((default_registry() / "llama2-card.json").read_text())
    good["models"][0]["figures"][0]["field"] = "gpu_hourz"
    p.write_text(json.dumps(good))
    with pytest.raises(SchemaError, match=r"r.json: field models/0/figures/0/field"):
        load_disclosure(p)
    with pytest.raises(MissingInputError):
        load_disclosures(tmp_path / "none.json")


def test_write_atomic_leaves_no_temp_files(tmp_path):
    write_atomic(tmp_path / "a" / "x.csv", "a,b\n")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["x.csv"]


def test_schemas_ship_in_the_wheel(tmp_path):
    build = pytest.importorskip("build", reason="the 'build' package is needed to make a wheel")
    del build
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                        "--outdir", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for n in ("disclosure", "footprint", "flag"):
        assert f"audit/schemas/{n}.schema.json" in names
    assert "audit/data/accelerators.csv" in names


def test_write_atomic_gives_the_usual_file_mode(tmp_path):
    import os

    p = write_atomic(tmp_path / "t.csv", "a\n")
    mask = os.umask(0o022)
    os.umask(mask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~mask


def test_records_in_the_registry_pass_the_value_rules():
    from audit.records import check_values

    for f in sorted(default_registry().glob("*.json")):
        check_values(json.loads(f.read_text(encoding="utf-8")), where=str(f))


def test_market_based_zero_is_allowed_but_zero_hours_are_not(tmp_path):
    good = json.loads((default_registry() / "llama2-card.json").read_text())
    figs = good["models"][0]["figures"]
    figs.append({"field": "emissions", "value": 0, "unit": "tCO2e", "basis": "market"})
    p = tmp_path / "r.json"
    p.write_text(json.dumps(good))
    load_disclosure(p)
    figs.append({"field": "training_duration", "value": 0, "unit": "day"})
    p.write_text(json.dumps(good))
    with pytest.raises(SchemaError, match=r"training_duration=0 day.*must be positive"):
        load_disclosure(p)
