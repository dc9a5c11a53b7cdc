"""Bad input gives a typed, one-line error naming the file (and page or field) (issue 7).

Every bad file is made here, by small generators, not committed: ``make_pdf`` writes a
minimal PDF by hand (text pages with Helvetica, or a page with only a filled rectangle, i.e.
no text layer); encrypted PDFs are made with pypdf (test extra) from those.
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import pytest
from pdfgen import assemble, escape

from audit.cli import main
from audit.errors import (
    AssumptionRangeError,
    AuditError,
    ExtractionError,
    SchemaError,
    UnitError,
    UnknownAssumptionError,
)
from audit.pipeline import audit_report, default_registry

REPO = Path(__file__).resolve().parents[1]
SAMPLES = 200


def make_pdf(pages: list[str], *, image_only: bool = False) -> bytes:
    """A minimal, valid PDF: one page per string (lines split on newlines).

    Parameters
    ----------
    pages : list of str
        Text of each page (ASCII).
    image_only : bool
        Draw a filled rectangle instead of text: a page with no text layer.
    """
    streams = []
    for text in pages:
        if image_only:
            streams.append(b"0.2 0.4 0.8 rg 72 400 300 200 re f")
        else:
            lines = " T* ".join(f"({escape(ln)}) Tj" for ln in text.split("\n"))
            streams.append(f"BT /F1 11 Tf 14 TL 72 720 Td {lines} ET".encode("latin-1"))
    return assemble(streams, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")


REPORT_TEXT = ("Training cost of the Testmodel-7B model\n"
               "We trained Testmodel-7B on 1,024 NVIDIA A100 80GB GPUs.\n"
               "Training took 184,320 GPU hours in total.")


def encrypt(pdf: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) makes encrypted PDFs")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _one_line_error(argv: list[str], capsys) -> str:  # noqa: ANN001
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    errors = [ln for ln in err if ln.startswith("footprint-audit: ")]
    assert errors, err
    assert "Traceback" not in "\n".join(err)
    return errors[0]


# --- PDFs --------------------------------------------------------------------------------

def test_generated_pdf_is_read(tmp_path):
    p = tmp_path / "good.pdf"
    p.write_bytes(make_pdf([REPORT_TEXT]))
    (r,) = audit_report(p, samples=SAMPLES, analyse=False)
    assert r.disclosure.source["doc_type"] == "pdf"


@pytest.mark.parametrize("kind, pattern", [
    ("empty", r"empty file \(0 bytes\)"),
    ("not-a-pdf", r"not a PDF"),
    ("truncated", r"PDF"),
    ("corrupt", r"PDF"),
    ("image-only", r"no text layer.*OCR"),
    ("encrypted-password", r"encrypted"),
])
def test_bad_pdfs_give_typed_errors_naming_the_file(kind, pattern, tmp_path):
    good = make_pdf([REPORT_TEXT, REPORT_TEXT])
    data = {
        "empty": b"",
        "not-a-pdf": b"<html><body>Sorry, this page moved</body></html>\n" * 20,
        "truncated": good[: len(good) // 3],
        "corrupt": good[:40] + bytes(range(256)) * 4 + b"\n%%EOF\n",
        "image-only": make_pdf(["x"], image_only=True),
        "encrypted-password": (encrypt(good, "secret") if kind == "encrypted-password"
                               else b""),
    }[kind]
    p = tmp_path / f"{kind}.pdf"
    p.write_bytes(data)
    with pytest.raises(ExtractionError, match=pattern) as e:
        audit_report(p, samples=SAMPLES, analyse=False)
    assert str(p) in str(e.value) and "\n" not in str(e.value)


def test_encrypted_without_user_password_is_read(tmp_path):
    """An owner-password-only PDF (empty user password) opens in any reader: audited."""
    p = tmp_path / "owner-only.pdf"
    p.write_bytes(encrypt(make_pdf([REPORT_TEXT]), ""))
    (r,) = audit_report(p, samples=SAMPLES, analyse=False)
    assert r.disclosure.source["doc_type"] == "pdf"


def test_page_limit(tmp_path, capsys):
    p = tmp_path / "long.pdf"
    p.write_bytes(make_pdf([REPORT_TEXT] * 5))
    with pytest.raises(ExtractionError, match=r"5 pages, over the limit of 3.*--max-pages"):
        audit_report(p, samples=SAMPLES, max_pages=3, analyse=False)
    line = _one_line_error(["audit", str(p), "--max-pages", "3", "--samples", "200"], capsys)
    assert "long.pdf" in line
    assert main(["audit", str(p), "--max-pages", "0", "--samples", "200", "-q"]) == 0


def test_time_budget(tmp_path, monkeypatch):
    import time

    import audit.pipeline as pl

    def slow(path, **kw):  # noqa: ANN001, ANN003, ANN202
        time.sleep(5)
        return []

    monkeypatch.setattr(pl, "load_input", slow)
    p = tmp_path / "slow.md"
    p.write_text("# x\n")
    t0 = time.perf_counter()
    with pytest.raises(ExtractionError, match=r"slow.md: not finished within the time "
                                              r"budget of 0.3 s"):
        audit_report(p, time_budget=0.3)
    assert time.perf_counter() - t0 < 3


# --- cards and records -------------------------------------------------------------------

def test_broken_markdown_table_is_typed_or_read(tmp_path):
    """A card whose tables are broken gives a result or an ExtractionError, never a crash."""
    p = tmp_path / "broken-card.md"
    p.write_text("# Model X card\n\n| Model | GPU hours | Power\n|---|---\n| X-7B | 1,000 | "
                 "400 | extra | cells |\n| only one\n<table><tr><td>unclosed\n",
                 encoding="utf-8")
    try:
        audit_report(p, samples=SAMPLES, analyse=False)
    except AuditError as exc:
        assert "broken-card.md" in str(exc)


def test_card_that_is_not_utf8(tmp_path):
    p = tmp_path / "latin1.md"
    p.write_bytes("# Modèle\n\nGPU hours: 1 000 \xe9\n".encode("latin-1"))
    with pytest.raises(ExtractionError, match="latin1.md: not UTF-8"):
        audit_report(p, samples=SAMPLES)


def _record(tmp_path: Path, mutate) -> Path:  # noqa: ANN001
    d = json.loads((default_registry() / "llama2-card.json").read_text(encoding="utf-8"))
    mutate(d)
    p = tmp_path / "record.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    return p


def _set_fig(field: str, value, unit: str | None = None):  # noqa: ANN001, ANN202
    def mutate(d: dict) -> None:
        fig = next(f for f in d["models"][0]["figures"] if f["field"] == field)
        fig["value"] = value
        if unit is not None:
            fig["unit"] = unit
    return mutate


@pytest.mark.parametrize("mutate, pattern", [
    (_set_fig("accelerator_hours", -5), r"models/0/figures/0/value: accelerator_hours=-5 "
                                        r"hour.*must be positive"),
    (_set_fig("accelerator_hours", 0), r"figures/0/value.*must be positive"),
    (_set_fig("accelerator_hours", math.nan), r"figures/0/value: nan is not a finite"),
    (_set_fig("accelerator_hours", 100, "kWh"), r"figures/0/unit: .*accelerator_hours must "
                                                r"be in hour"),
    (_set_fig("accelerator_hours", "many"), r"figures/0/value: 'many' is not of type"),
    (lambda d: d["models"][0].update(kind="modle"), r"field models/0/kind: 'modle' is not one"),
    (lambda d: d.pop("report_id"), r"field \(top level\): 'report_id' is a required"),
])
def test_bad_records_name_field_and_rule(mutate, pattern, tmp_path):
    p = _record(tmp_path, mutate)
    with pytest.raises(SchemaError, match=pattern) as e:
        audit_report(p, samples=SAMPLES)
    assert str(p) in str(e.value)


def test_pue_below_one_in_a_record(tmp_path):
    def add_pue(d: dict) -> None:
        d["models"][0]["figures"].append({"field": "pue", "value": 0.9, "unit": "dimensionless"})
    p = _record(tmp_path, add_pue)
    with pytest.raises(SchemaError, match=r"pue=0.9.*cannot be below 1"):
        audit_report(p, samples=SAMPLES)


def test_record_not_json(tmp_path):
    p = tmp_path / "r.json"
    p.write_bytes(b"\xff\xfe{ nope")
    with pytest.raises(SchemaError, match="r.json: not"):
        audit_report(p)
    p.write_text("[" * 100_000)
    with pytest.raises(SchemaError, match="r.json"):
        audit_report(p)


def test_unknown_accelerator_lists_close_matches(tmp_path):
    p = _record(tmp_path, lambda d: d["models"][0].update(accelerator="nvidia-a100-sxm4-80g"))
    with pytest.raises(UnknownAssumptionError, match=r"unknown accelerator "
                                                      r"'nvidia-a100-sxm4-80g'; closest: "
                                                      r"nvidia-a100-sxm4-80gb"):
        audit_report(p, samples=SAMPLES)


# --- values on the command line ----------------------------------------------------------

@pytest.mark.parametrize("argv, kind, words", [
    (["--assume", "pue=3 kWh"], "UnitError", "pue"),
    (["--assume", "pue=0.9"], "AssumptionRangeError", "below 1"),
    (["--assume", "pue=nan"], "AssumptionRangeError", "NaN"),
    (["--assume", "bogus=1"], "UnknownAssumptionError", "bogus"),
])
def test_bad_assumptions_on_the_command_line(argv, kind, words, tmp_path, capsys):
    rec = default_registry() / "llama2-card.json"
    line = _one_line_error(["audit", str(rec), "--samples", "200", *argv], capsys)
    assert line.startswith(f"footprint-audit: {kind}: ") and words in line


@pytest.mark.parametrize("item", ["pue", "pue 1.2", "pue=", "=1.2"])
def test_malformed_assume_is_a_usage_error(item, capsys):
    """Not of the shape NAME=VALUE: a usage error (exit 2) before anything is read."""
    rec = default_registry() / "llama2-card.json"
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(rec), "--assume", item])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "NAME=VALUE" in err and "Traceback" not in err


@pytest.mark.parametrize("hours, kind", [("-5 hour", "AssumptionRangeError"),
                                         ("0 hour", "AssumptionRangeError"),
                                         ("5 kWh", "UnitError"),
                                         ("nan hour", "Error")])
def test_bad_hours_in_estimate(hours, kind, capsys):
    line = _one_line_error(["estimate", "--accelerator-hours", hours], capsys)
    assert kind in line.split(":")[1]


def test_unknown_assumption_id(capsys):
    line = _one_line_error(["assumptions", "show", "pue-gogle-2023"], capsys)
    assert "UnknownAssumptionError" in line and "pue-google-2023" in line


def test_typed_errors_are_builtins_too():
    assert issubclass(SchemaError, ValueError) and issubclass(UnitError, ValueError)
    assert issubclass(UnknownAssumptionError, KeyError)
    assert issubclass(AssumptionRangeError, ValueError)


# --- conflicting figures -----------------------------------------------------------------

def test_conflicting_figures_are_kept_and_warned(tmp_path):
    def second_total(d: dict) -> None:
        figs = d["models"][0]["figures"]
        hours = next(f for f in figs if f["field"] == "accelerator_hours")
        figs.append({**hours, "value": hours["value"] * 2, "locator": "text", "page": 3})
    p = _record(tmp_path, second_total)
    (r,) = audit_report(p, samples=SAMPLES, analyse=False)
    model = r.disclosure.models[0]
    assert len(model.get("accelerator_hours")) == 2  # both kept
    (w,) = [w for w in r.warnings if w.code == "CONFLICTING_FIGURES"]
    assert w.model == model.name and "184320" in w.message and "368640" in w.message
    used = r.footprints[0].meters["accelerator_hours"].value
    assert used in (184320, 368640)  # one of them, never their mean
    assert "CONFLICTING_FIGURES" in (
        __import__("audit.report", fromlist=["audit_text"]).audit_text(r))


# --- the mutation run, a small sample ----------------------------------------------------

def test_mutation_sample(corpus, tmp_path):
    """A few corrupted corpus PDFs each end in a result or a typed error (benchmark sample)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import mutation
    finally:
        sys.path.pop(0)
    summary = mutation.run(corpus / "pdf", variants=4, seed=7, timeout=120, jobs=2,
                           workdir=tmp_path, files=["llama1-paper.pdf"], quiet=True)
    assert summary["variants"] == 4
    assert summary["untyped"] == [] and summary["hangs"] == []
