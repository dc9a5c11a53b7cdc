"""The command line, in-process (main([...])), writing only into tmp_path."""

import json
import re
from pathlib import Path

import pytest

from audit.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_run_writes_three_outputs_with_25_models(tmp_path, capsys):
    out = tmp_path / "output"
    assert main(["run", "-o", str(out), "--samples", "500"]) == 0
    for name in ("comparison.md", "comparison.csv", "flags.csv"):
        assert (out / name).stat().st_size > 0
    import pandas as pd

    df = pd.read_csv(out / "comparison.csv")
    assert (df["kind"] == "model").sum() >= 25
    assert set(df["accelerator_hours_status"]) <= {"reported", "derived", "assumed", "missing"}
    flags = pd.read_csv(out / "flags.csv")
    row = flags[(flags.model == "GPT-3") & (flags.regime == "eu-ai-act-art51")].iloc[0]
    assert row.verdict == "below" and row.estimate == pytest.approx(3.14e23)
    # a second run refuses to overwrite without --force (checked before auditing)
    capsys.readouterr()
    assert main(["run", "-o", str(out), "--samples", "500"]) == 1
    err = capsys.readouterr().err.strip()
    assert "OutputExistsError" in err and "--force" in err and "\n" not in err


def test_estimate_worked_example(capsys):
    argv = ["estimate", "--training-compute", "4.5e5 PFLOP/s*day", "--peak-throughput",
            "0.99 PFLOP/s", "--mfu", "0.35", "--accelerator-power", "0.7 kW", "--pue", "1.12",
            "--carbon-intensity", "369 gCO2e/kWh", "--gpu-hour-price", "2.5 USD/hour",
            "--format", "json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert round(out["accelerator_hours"]["value"]) == 31_168_831
    assert round(out["cost"]["value"]) == 77_922_078
    assert round(out["facility_energy"]["value"]) == 24_436_364
    assert out["facility_energy"]["unit"] == "kWh"
    assert round(out["emissions"]["value"], 1) == 9017.0
    assert main(argv[:-2] + ["--mfu", "0.5", "--speedup", "1.6", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert round(out["accelerator_hours"]["value"]) == 13_636_364
    assert round(out["emissions"]["value"], 1) == 3944.9


@pytest.mark.parametrize("compute", ["450000 PF-days", "3.888e25 FLOP"])
def test_estimate_compute_spellings(compute, capsys):
    assert main(["estimate", "--training-compute", compute, "--peak-throughput",
                 "0.99 PFLOP/s", "--mfu", "0.35", "--format", "json"]) == 0
    assert round(json.loads(capsys.readouterr().out)["accelerator_hours"]["value"]) == \
        31_168_831


@pytest.mark.parametrize("argv", [
    ["estimate", "--accelerator-hours", "100 hour", "--pue", "3 kWh"],
    ["estimate", "--accelerator-hours", "-5 hour"],
    ["audit", "/nonexistent/report.pdf"],
    ["run", "--assume", "pue=0.8"],
    ["run", "--assume", "bogus=1"],
])
def test_errors_are_one_line_exit_1(argv, capsys, tmp_path):
    assert main(argv + (["-o", str(tmp_path / "o")] if argv[0] == "run" else [])) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("footprint-audit: ") and "\n" not in err and "Traceback" not in err


def test_usage_error_exit_2():
    with pytest.raises(SystemExit) as e:
        main(["estimate", "--no-such-flag"])
    assert e.value.code == 2


def test_audit_llama1_pdf_shows_table15(corpus, capsys):
    assert main(["audit", str(corpus / "pdf" / "llama1-paper.pdf"), "--samples", "500"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("## LLaMA-65B"):]
    section = section[:section.index("\n## ", 3)] if "\n## " in section[3:] else section
    assert "1,022,362" in section and "p. 11" in section
    assert re.search(r"\| energy \| 449 MWh", section)
    assert re.search(r"\| emissions \| 173 tCO2e", section)
    assert "eu-ai-act-art51 | 1e+25 | below" in section


def test_audit_llama31_card(corpus, capsys):
    assert main(["audit", str(corpus / "cards" / "llama3_1-model-card.md"), "--samples",
                 "500"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("## Llama 3.1 405B"):]
    assert "30,840,000 hour" in section
    assert re.search(r"\| emissions \| 8,930 tCO2e \| location-based", section)
    assert re.search(r"\| emissions \| 0 tCO2e \| market-based", section)
    assert "eu-ai-act-art51 | 1e+25 | above" in section
    assert "us-ca-sb53 | 1e+26 | below" in section


def test_extract_writes_schema_valid_records(corpus, tmp_path):
    out = tmp_path / "records.json"
    assert main(["extract", str(corpus / "cards" / "llama2-model-card.md"),
                 str(corpus / "pdf" / "llama1-paper.pdf"), "-o", str(out)]) == 0
    from audit.records import load_disclosures

    ds = load_disclosures(out)
    assert [d.report_id for d in ds] == ["llama2-model-card", "llama1-paper"]


def test_thresholds_as_of(capsys):
    assert main(["thresholds", "--as-of", "2024-06-01"]) == 0
    out = capsys.readouterr().out
    assert "us-eo-14110" in out and "us-ca-sb53" not in out


def test_readme_api_example_runs(corpus, monkeypatch, capsys):
    blocks = [b.split("```", 1)[0] for b in README.read_text().split("```python\n")[1:]]
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert len(blocks) >= 2 and "LLaMA-65B" not in out and "tCO2e" in out
    assert "Llama 3.1 405B 30840000.0 hour reported" in out
    assert "above 3.65e+25 FLOP 6ND" in out
    assert "0.385 tCO2e" in out


COMMANDS = ["run", "audit", "extract", "estimate", "thresholds", "eval", "assumptions"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and f"footprint-audit {command}" in out


def test_main_help_lists_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "exit codes: 0 ok, 1" in out


def test_help_starts_without_heavy_imports():
    """`footprint-audit --help` imports neither pandas, pint, matplotlib nor pdfplumber."""
    import subprocess
    import sys

    code = ("import sys; from audit.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'pint', 'matplotlib', 'pdfplumber', 'numpy', "
            "'jsonschema') if m in sys.modules]\nprint('HEAVY', heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_quiet_and_verbose_after_the_command(capsys):
    from audit.pipeline import default_registry

    rec = str(default_registry() / "llama2-card.json")
    assert main(["audit", rec, "--samples", "300", "--format", "csv", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["audit", rec, "--samples", "300", "--format", "csv", "-v"]) == 0
    err = capsys.readouterr().err
    assert "[1/1]" in err and "1 file: 1 report audited" in err
    assert main(["-q", "assumptions", "list"]) == 0


def test_output_dash_is_stdout(tmp_path, monkeypatch, capsys):
    from audit.pipeline import default_registry

    monkeypatch.chdir(tmp_path)
    assert main(["audit", str(default_registry() / "llama2-card.json"), "--samples", "300",
                 "--format", "json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["report_id"] == "llama2-card"
    assert not list(tmp_path.iterdir())


def test_assumptions_show_and_unknown_id(capsys):
    assert main(["assumptions", "show", "pue-google-2023"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "pue-google-2023"
    assert main(["assumptions", "show", "A100 80GB"]) == 0
    assert "nvidia-a100" in capsys.readouterr().out
    assert main(["assumptions", "show", "pue-gogle-2023"]) == 1
    assert "closest: pue-google-2023" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["assumptions", "show"])
    assert e.value.code == 2


def test_limit_defaults_agree_with_the_pipeline():
    from audit import cli, pipeline

    assert cli.DEFAULT_MAX_PAGES == pipeline.DEFAULT_MAX_PAGES
    assert cli.DEFAULT_TIME_BUDGET == pipeline.DEFAULT_TIME_BUDGET


@pytest.mark.parametrize("argv", [
    ["run", "--samples", "0"], ["run", "--seed", "-1"], ["audit", "x.pdf", "--time-budget", "-1"],
])
def test_out_of_range_options_are_usage_errors(argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2


@pytest.mark.parametrize("argv", [
    ["estimate", "--training-compute", "1e24 FLOP", "--peak-throughput", "989 TFLOP/s",
     "--mfu", "0.4", "--speedup", "-1"],
    ["estimate", "--training-compute", "1e24 FLOP", "--peak-throughput", "989 TFLOP/s",
     "--mfu", "0.4", "--speedup", "0"],
    ["estimate", "--accelerator-hours", "1e400 hour"],
])
def test_estimate_refuses_nonsense(argv, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("footprint-audit: AssumptionRangeError") and "\n" not in err


def test_output_folder_for_a_file_option(corpus, tmp_path, capsys):
    assert main(["audit", str(corpus / "cards" / "llama2-model-card.md"), "--samples", "64",
                 "-o", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_empty_folder_and_failed_extract_write_nothing(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["audit", str(empty)]) == 1
    assert "no report files" in capsys.readouterr().err
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    out = tmp_path / "records.json"
    assert main(["extract", str(fake), "-o", str(out)]) == 1
    assert not out.exists()
