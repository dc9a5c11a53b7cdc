"""The orchestrator: batches, output folders, atomic writes, determinism (issues 6 and 7)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

import audit
from audit.cli import main
from audit.errors import OutputExistsError
from audit.pipeline import (
    AuditResult,
    RunResult,
    audit_many,
    audit_report,
    default_registry,
    run,
    sheet_names,
    write_outputs,
)
from audit.records import Disclosure, path_inside, safe_filename

SAMPLES = 300
REG = default_registry()
SOME = ["llama2-card.json", "patterson2021.json", "llama3.1-card.json"]


def _files(names: list[str] = SOME) -> list[Path]:
    return [REG / n for n in names if (REG / n).exists()]


@pytest.fixture(scope="module")
def small_registry(tmp_path_factory) -> Path:
    """Three registry records in a folder of their own (a quick `run`)."""
    reg = tmp_path_factory.mktemp("registry")
    for f in _files():
        (reg / f.name).write_bytes(f.read_bytes())
    return reg


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_batch_goes_past_bad_files_in_input_order(tmp_path):
    bad_json = tmp_path / "b-bad.json"
    bad_json.write_text("{oops")
    not_pdf = tmp_path / "c-fake.pdf"
    not_pdf.write_text("hello")
    good = _files()[:2]
    res = audit_many([good[0], bad_json, not_pdf, good[1]], jobs=2, samples=SAMPLES,
                     analyse=False)
    assert [r.report_id for r in res.results] == [
        audit.load_disclosure(g).report_id for g in good]
    assert [(Path(f).name, kind) for f, kind, _ in res.errors] == [
        ("b-bad.json", "SchemaError"), ("c-fake.pdf", "ExtractionError")]
    assert res.summary().startswith("4 files: 2 reports audited")
    assert set(res.errors_frame().columns) == {"file", "error_type", "message"}


def test_parallel_equals_serial():
    a = audit_many(_files(), jobs=1, samples=SAMPLES, analyse=False)
    b = audit_many(_files(), jobs=2, samples=SAMPLES, analyse=False)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    assert [f.to_dict() for f in a.flags] == [f.to_dict() for f in b.flags]


def test_run_writes_every_output_and_errors_csv(tmp_path):
    reg = tmp_path / "registry"
    reg.mkdir()
    for f in _files():
        (reg / f.name).write_bytes(f.read_bytes())
    (reg / "zz-broken.json").write_text('{"schema_version": 1}')
    out = tmp_path / "out"
    res = run(reg, str(out), samples=SAMPLES, jobs=1)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for n in ("comparison.md", "comparison.csv", "comparison.html", "comparison.tex",
              "comparison.json", "flags.csv", "warnings.csv", "errors.csv", "manifest.txt"):
        assert n in names
    for r in res.results:
        assert f"reports/{safe_filename(r.report_id)}.md" in names
        assert f"reports/{safe_filename(r.report_id)}.html" in names
    errs = pd.read_csv(out / "errors.csv")
    assert list(errs["error_type"]) == ["SchemaError"]
    assert "zz-broken.json" in errs["file"][0] and "report_id" in errs["message"][0]
    assert len(res.errors) == 1
    manifest = (out / "manifest.txt").read_text().splitlines()
    assert sorted(ln.split("  ")[1] for ln in manifest) == sorted(names - {"manifest.txt"})
    data = json.loads((out / "comparison.json").read_text())
    assert {row["report_id"] for row in data} == {r.report_id for r in res.results}


def test_same_input_and_seed_give_byte_identical_outputs(small_registry, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run(small_registry, str(a), samples=SAMPLES, seed=11, jobs=2)
    run(small_registry, str(b), samples=SAMPLES, seed=11, jobs=1)
    da, db = _digest(a), _digest(b)
    assert da == db and len(da) >= 15


def test_output_folder_needs_force_and_stale_files_go(small_registry, tmp_path):
    out = tmp_path / "out"
    run(small_registry, str(out), samples=SAMPLES, jobs=1)
    stale = out / "reports" / "made-by-an-older-run.md"
    manifest = out / "manifest.txt"
    manifest.write_text(manifest.read_text() + "0" * 64 + "  reports/made-by-an-older-run.md\n")
    stale.write_text("old")
    mine = out / "my-notes.txt"  # not ours: never touched
    mine.write_text("keep me")
    with pytest.raises(OutputExistsError, match="--force"):
        run(small_registry, str(out), samples=SAMPLES)
    run(small_registry, str(out), samples=SAMPLES, force=True, jobs=1)
    assert not stale.exists() and mine.read_text() == "keep me"
    assert not list(out.rglob(".*.tmp")) and not list(out.rglob(".*.png"))


def test_refuses_non_empty_folder_before_auditing(tmp_path, monkeypatch):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "thesis.tex").write_text("x")
    import audit.pipeline as pl

    monkeypatch.setattr(pl, "audit_many", lambda *a, **k: pytest.fail("audited first"))
    with pytest.raises(OutputExistsError):
        run(REG, str(out))


def test_interrupt_leaves_no_half_written_table(tmp_path, monkeypatch):
    out = tmp_path / "out"
    res = audit_many(_files(), jobs=1, samples=SAMPLES, analyse=False)
    write_outputs(res, out, plots=False)
    before = _digest(out)
    import audit.records as rec

    real = rec.os.replace
    calls = {"n": 0}

    def interrupted(src, dst):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(rec.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(res, out, force=True, plots=False)
    monkeypatch.setattr(rec.os, "replace", real)
    after = _digest(out)
    assert set(after) == set(before)  # no temporary file left, nothing half-written
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]
    for name, digest in after.items():  # every file is a whole file, old or new
        text = (out / name).read_bytes()
        assert digest == before[name] or text.endswith(b"\n")


def test_inputs_are_never_modified(small_registry, tmp_path):
    files = sorted(small_registry.iterdir())
    before = {f: f.read_bytes() for f in files}
    run(small_registry, str(tmp_path / "o"), samples=SAMPLES, jobs=1)
    audit_many(files, jobs=1, samples=SAMPLES)
    assert {f: f.read_bytes() for f in files} == before


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "a\x00b\nc", "..", ".",
                                  "CON", "x" * 500, "Llama 3.1 405B (chat)", "", "∂∆∞"])
def test_file_names_stay_inside_the_output_folder(name, tmp_path):
    s = safe_filename(name)
    assert path_inside(tmp_path, f"reports/{s}.md").resolve().is_relative_to(tmp_path)
    assert "/" not in s and "\x00" not in s and s not in ("", ".", "..")


def test_hostile_report_id_cannot_escape(tmp_path):
    d = audit.load_disclosure(REG / "llama2-card.json")
    evil = Disclosure(report_id="x", source=d.source, models=d.models)
    object.__setattr__(evil, "report_id", "../../../escaped")
    (r,) = audit_report(evil, samples=SAMPLES, analyse=False)
    twin = AuditResult(r.disclosure, r.footprints, r.flags)
    assert sheet_names([r, twin]) == ["escaped", "escaped-2"]
    write_outputs(RunResult((r,)), tmp_path / "out", plots=False)
    assert (tmp_path / "out" / "reports" / "escaped.md").is_file()
    assert not (tmp_path / "escaped.md").exists()
    with pytest.raises(audit.SchemaError):
        path_inside(tmp_path, "../outside.md")


def test_api_names_and_frames():
    (r,) = audit.audit_report(REG / "llama2-card.json", samples=SAMPLES)
    assert isinstance(r.to_frame(), pd.DataFrame) and len(r.to_frame()) == len(r.footprints)
    d = audit.load_disclosure(REG / "llama2-card.json")
    fps = audit.reconstruct(d, samples=SAMPLES)
    assert [fp.model for fp in fps] == [fp.model for fp in r.footprints]
    hours = r.footprints[0].meters["accelerator_hours"].quantity
    assert hours.to("day").magnitude == pytest.approx(184320 / 24)
    assert callable(audit.extract) and hasattr(audit.extract, "figures")
    if hasattr(audit, "analyse"):
        rows = audit.analyse(d, fps[-1])
        assert isinstance(rows, list)
    res = audit.run(REG, write=False, samples=SAMPLES, analyse=False)
    assert len(res.to_frame()) == len(res.footprints) > 25


def test_cli_run_to_stdout_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "-o", "-", "--format", "csv", "--samples", "300", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("report_id,model,kind") and not list(tmp_path.iterdir())


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    import io
    import sys

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    fake = Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["audit", str(REG / "llama2-card.json"), str(REG / "patterson2021.json"),
                 "--samples", "300", "-j", "1", "--format", "csv"]) == 0
    assert "[" in fake.getvalue() and "2/2" in fake.getvalue()
    assert "2 files: 2 reports audited" in fake.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe: no bar, the summary only
    assert main(["audit", str(REG / "llama2-card.json"), "--samples", "300",
                 "--format", "csv"]) == 0
    assert "1/1" not in sys.stderr.getvalue()


def _sigint_handler_is_ignored() -> bool:
    import signal

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_workers_leave_ctrl_c_to_the_parent():
    """A terminal's Ctrl-C reaches every process of the group; workers ignore it, the parent
    stops them (measured by hand: 25 interrupted batches, exit 130, no traceback, no hang)."""
    from concurrent.futures import ProcessPoolExecutor

    from audit.pipeline import _worker_init

    with ProcessPoolExecutor(max_workers=1, initializer=_worker_init) as pool:
        assert pool.submit(_sigint_handler_is_ignored).result() is True


def test_console_exits_at_once_after_ctrl_c(monkeypatch):
    import audit.cli as cli

    exits = []

    def fake_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(f"os._exit({code})")

    monkeypatch.setattr(cli, "main", lambda: 130)
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    with pytest.raises(SystemExit, match=r"os\._exit\(130\)"):
        cli.console()
    assert exits == [130]
    monkeypatch.setattr(cli, "main", lambda: 0)
    with pytest.raises(SystemExit) as exc:
        cli.console()
    assert exc.value.code == 0


def test_folder_walk_skips_txt_notes_but_a_named_txt_card_is_read(tmp_path):
    from audit.pipeline import collect_inputs

    (tmp_path / "card.md").write_text("# T-7B\n\nT-7B was trained for 20,000 GPU hours.\n")
    (tmp_path / "SOURCES.txt").write_text("where the cards came from\n")
    assert [p.name for p in collect_inputs([tmp_path])] == ["card.md"]
    assert [p.name for p in collect_inputs([tmp_path / "SOURCES.txt"])] == ["SOURCES.txt"]
