"""Tests of audit.evaluate: the extraction accuracy scorer.

None of these needs the real extractor: each test writes a tiny answer key into ``tmp_path``
and passes a fake extractor that returns hand-made Disclosures.  The last test runs the real
answer key (``../shared/corpus/answers.json``) through a fake extractor that returns the key's
own figures, which proves the scorer accepts every answer figure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audit.errors import ExtractionError, MissingInputError, SchemaError
from audit.evaluate import (
    SCORED_FIELDS,
    EvalResult,
    evaluate,
    format_table,
    normalise_name,
    parse_answer_unit,
    section_matches,
)
from audit.records import Disclosure, Figure, ModelDisclosure
from audit.units import FIELD_UNITS, quantity

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def write_key(tmp_path: Path, rows: list[dict]) -> Path:
    p = tmp_path / "answers.json"
    p.write_text(json.dumps(rows), encoding="utf-8")
    return p


def pdf_row(model: str, figures: list[dict], *, file: str = "pdf/a.pdf",
            row_kind: str = "model", page: int = 3) -> dict:
    return {"file": file, "doc_type": "pdf", "model": model, "row_kind": row_kind,
            "page": page, "figures": figures}


def card_row(model: str, figures: list[dict], *, file: str = "cards/c.md",
             row_kind: str = "model", section: str = "## Hardware and Software") -> dict:
    return {"file": file, "doc_type": "card", "model": model, "row_kind": row_kind,
            "section": section, "figures": figures}


def afig(field: str, value, unit: str, **kw) -> dict:
    return {"field": field, "value": value, "unit": unit, "printed": str(value),
            "match": f"{value}", "where": "Table 1", **kw}


def disclosure(*models: ModelDisclosure) -> Disclosure:
    return Disclosure(report_id="r", source={"file": "x"}, models=tuple(models))


def model(name: str, *figs: Figure, kind: str = "model") -> ModelDisclosure:
    return ModelDisclosure(name=name, kind=kind, figures=tuple(figs))


def fake(by_file: dict[str, Disclosure | Exception]):
    calls: list[str] = []

    def extractor(path: Path) -> Disclosure:
        key = f"{path.parent.name}/{path.name}"
        calls.append(key)
        out = by_file[key]
        if isinstance(out, Exception):
            raise out
        return out

    extractor.calls = calls  # type: ignore[attr-defined]
    return extractor


# --------------------------------------------------------------------------------------------
# counts, one-to-one, tolerance
# --------------------------------------------------------------------------------------------
def test_exact_recall_and_precision(tmp_path):
    key = write_key(tmp_path, [
        pdf_row("LLaMA-7B", [afig("accelerator_hours", 82432, "GPU-hour"),
                             afig("energy", 36, "MWh"),
                             afig("emissions", 14, "tCO2eq"),
                             afig("emissions", None, "tCO2eq"),        # null: not counted
                             afig("n_embedding_parameters", 5, "parameters")]),  # unscored
    ])
    ext = fake({"pdf/a.pdf": disclosure(model(
        "LLaMA 7B",
        Figure("accelerator_hours", 82432, "hour", page=3, text="82,432"),
        Figure("energy", 36000, "kWh", page=3),                         # converted: match
        Figure("emissions", 99, "tCO2e", page=3, text="99"),            # wrong value: FP
        Figure("pue", 1.1, "dimensionless", page=3),                    # not in key: FP
        Figure("emissions", None, "tCO2e", page=3, bound="negligible"),  # no value: ignored
        Figure("n_parameters", 7e9, "dimensionless", page=3, status="derived"),  # ignored
        Figure("context_length", 2048, "dimensionless", page=3),        # unscored: ignored
    ))})
    r = evaluate(key, extractor=ext)
    assert isinstance(r, EvalResult)
    assert (r.n_answer, r.n_extracted, r.n_matched) == (3, 4, 2)
    assert r.recall == pytest.approx(2 / 3)
    assert r.precision == pytest.approx(2 / 4)
    assert r.per_field["emissions"] == {"recall": 0.0, "precision": 0.0, "n_answer": 1,
                                        "n_extracted": 1, "matched": 0}
    assert r.per_field["energy"]["recall"] == 1.0
    assert r.per_field["pue"] == {"recall": None, "precision": 0.0, "n_answer": 0,
                                  "n_extracted": 1, "matched": 0}
    assert r.per_document["pdf/a.pdf"]["matched"] == 2
    assert [m["field"] for m in r.misses] == ["emissions"]
    assert r.misses[0]["page"] == 3 and "Table 1" in r.misses[0]["context"]
    assert sorted(f["field"] for f in r.false_positives) == ["emissions", "pue"]
    assert r.ignored == {"answer_no_value": 1, "extracted_no_value": 1,
                         "extracted_not_reported": 1, "unscored_field": 1}
    assert ext.calls == ["pdf/a.pdf"]


def test_one_to_one(tmp_path):
    # Two identical answer figures need two extracted figures; three extracted figures of
    # the same value match at most the two answers.
    key = write_key(tmp_path, [pdf_row("M-1B", [afig("cost", 7800, "USD"),
                                                afig("cost", 7800, "USD")])])
    one = fake({"pdf/a.pdf": disclosure(model("M-1B", Figure("cost", 7800, "USD", page=3)))})
    r = evaluate(key, extractor=one)
    assert (r.n_matched, r.recall, r.precision) == (1, 0.5, 1.0)
    three = fake({"pdf/a.pdf": disclosure(model(
        "M-1B", *[Figure("cost", 7800, "USD", page=3) for _ in range(3)]))})
    r = evaluate(key, extractor=three)
    assert (r.n_matched, r.recall, r.precision) == (2, 1.0, pytest.approx(2 / 3))
    assert "duplicate" in r.false_positives[0]["hint"]


def test_one_to_one_prefers_exact_name(tmp_path):
    # "Llama 3.2 1B SpinQuant" contains "Llama 3.2 1B" (size 1b in common), but the exact
    # row takes the exact answer; the containment pair must not steal it.
    key = write_key(tmp_path, [card_row("Llama 3.2 1B", [afig("accelerator_power", 700, "W")]),
                               card_row("Llama 3.2 1B SpinQuant",
                                        [afig("accelerator_power", 700, "W")])])
    ext = fake({"cards/c.md": disclosure(
        model("Llama 3.2 1B SpinQuant", Figure("accelerator_power", 700, "W")),
        model("Llama 3.2 1B", Figure("accelerator_power", 700, "W")))})
    r = evaluate(key, extractor=ext)
    assert (r.recall, r.precision) == (1.0, 1.0)
    pairs = {(m["model"], m["extracted_model"]) for m in r.matches}
    assert pairs == {("Llama 3.2 1B", "Llama 3.2 1B"),
                     ("Llama 3.2 1B SpinQuant", "Llama 3.2 1B SpinQuant")}


@pytest.mark.parametrize(("extracted", "ok"), [
    (1000.0, True), (1005.0, True), (995.0, True),     # exactly 0.5 %: inside
    (1005.01, False), (994.99, False),                 # just outside
])
def test_tolerance_edge(tmp_path, extracted, ok):
    key = write_key(tmp_path, [pdf_row("X-7B", [afig("energy", 1000, "MWh")])])
    ext = fake({"pdf/a.pdf": disclosure(model("X-7B", Figure("energy", extracted, "MWh",
                                                             page=3)))})
    assert evaluate(key, extractor=ext).n_matched == int(ok)


def test_zero_needs_zero(tmp_path):
    key = write_key(tmp_path, [card_row("Llama 3.1 8B", [afig("emissions", 0, "tCO2eq",
                                                              basis="market-based")])])
    for value, n in ((0, 1), (0.001, 0)):
        ext = fake({"cards/c.md": disclosure(model("Llama 3.1 8B",
                                                   Figure("emissions", value, "tCO2e")))})
        assert evaluate(key, extractor=ext).n_matched == n


# --------------------------------------------------------------------------------------------
# units
# --------------------------------------------------------------------------------------------
def test_unit_conversion(tmp_path):
    key = write_key(tmp_path, [pdf_row("OPT-175B", [
        afig("carbon_intensity", 0.385, "kgCO2e/kWh"),
        afig("emissions", 137, "tCO2eq"),
        afig("training_duration", 21, "day"),
        afig("gpu_hour_price", 2, "USD/GPU-hour"),
        afig("accelerator_count", 512, "TPU chips"),
        afig("n_tokens", 1.4e12, "tokens (lower bound)"),
        afig("accelerator_hours_per_trillion_tokens", 180000, "GPU-hour per 1e12 tokens"),
        afig("mfu", 0.56, "fraction"),
    ])])
    ext = fake({"pdf/a.pdf": disclosure(model(
        "OPT-175B",
        Figure("carbon_intensity", 385, "gCO2e/kWh", page=3),
        Figure("emissions", 137000, "kgCO2e", page=3),
        Figure("training_duration", 504, "hour", page=3),
        Figure("gpu_hour_price", 2, "USD/hour", page=3),
        Figure("accelerator_count", 512, "dimensionless", page=3),
        Figure("n_tokens", 1.4e12, "", page=3),
        Figure("accelerator_hours_per_trillion_tokens", 180000, "hour", page=3),
        Figure("mfu", 56, "percent", page=3),
    ))})
    r = evaluate(key, extractor=ext)
    assert (r.n_answer, r.n_matched, r.precision) == (8, 8, 1.0)


def test_unit_dimension_mismatch_is_a_false_positive(tmp_path):
    key = write_key(tmp_path, [pdf_row("OPT-175B", [afig("emissions", 137, "tCO2eq")])])
    ext = fake({"pdf/a.pdf": disclosure(model(
        "OPT-175B",
        Figure("emissions", 137, "t", page=3),          # plain tonnes are not tCO2e
        Figure("emissions", 137, "furlongs CO2", page=3)))})  # does not parse
    r = evaluate(key, extractor=ext)
    assert (r.n_matched, r.n_extracted) == (0, 2)
    assert any("does not parse" in f["hint"] for f in r.false_positives)


def test_rate_denominators():
    assert parse_answer_unit("GPU-hour per 1e12 tokens", "accelerator_hours")[1] == 1e12
    assert parse_answer_unit("A100 GPU-hour per 300B tokens", "x")[1] == 3e11
    assert parse_answer_unit("day per trillion tokens", "training_duration") == (
        parse_answer_unit("day", "training_duration")[0], 1e12)
    with pytest.raises(ValueError):
        parse_answer_unit("", "energy")


def test_rate_scaled_to_answer_denominator(tmp_path):
    key = write_key(tmp_path, [pdf_row("DeepSeek-V3", [
        afig("accelerator_hours_per_trillion_tokens", 180000, "GPU-hour per 1e12 tokens")])])
    ext = fake({"pdf/a.pdf": disclosure(model("DeepSeek-V3", Figure(
        "accelerator_hours_per_trillion_tokens", 180, "hour per 1B tokens", page=3)))})
    assert evaluate(key, extractor=ext).n_matched == 1


# --------------------------------------------------------------------------------------------
# rows, places
# --------------------------------------------------------------------------------------------
def test_aggregate_matches_aggregate_whatever_the_names(tmp_path):
    key = write_key(tmp_path, [
        card_row("Llama 2 (Total row, all pretrained sizes)",
                 [afig("accelerator_hours", 3311616, "GPU-hour")], row_kind="aggregate"),
        card_row("Llama 2 7B", [afig("accelerator_hours", 184320, "GPU-hour")]),
    ])
    ext = fake({"cards/c.md": disclosure(
        model("Total", Figure("accelerator_hours", 3311616, "hour"), kind="aggregate"),
        # an aggregate does not match a model row by value alone
        model("all models", Figure("accelerator_hours", 184320, "hour"), kind="aggregate"))})
    r = evaluate(key, extractor=ext)
    assert (r.n_matched, r.recall, r.precision) == (1, 0.5, 0.5)
    assert r.misses[0]["model"] == "Llama 2 7B"
    assert "model row" in r.misses[0]["hint"]


@pytest.mark.parametrize(("extracted", "answer", "ok"), [
    ("Llama 3.1 8B", "Llama 3 8B", False),
    ("Llama 3 8B", "Llama 3.1 8B", False),
    ("LLaMA-7B", "LLaMA-65B", False),
    ("llama 7b", "LLaMA-7B", True),
    ("LLaMA-7B", "LLaMA 7B", True),
    ("Pythia-1.0B", "Pythia-1.0B (quoted by TinyLlama)", True),
    ("Pythia 1B", "Pythia-1.0B (quoted by TinyLlama)", True),
    ("Llama 3", "Llama 3 (Total row)", True),
    ("Llama 3.1 8B", "Llama 3.1 (Total row)", False),   # contains, but no size in common
    ("Granite 3.0 1B", "Granite 3.0 1B-400M", True),    # contains, 1b in common
    ("Granite 3.0 3B", "Granite 3.0 1B-400M", False),
    ("7B", "Llama 2 7B", True),
    ("BLOOM 176B", "bigscience/bloom (BLOOM 176B)", True),
    ("BLOOM", "bigscience/bloom (BLOOM 176B)", True),
    ("8B", "Granite Code models (3B, 8B, 20B, 34B; pretraining aggregate)", False),
    ("DeepSeek-R1-Zero", "DeepSeek-R1", False),
])
def test_name_rules(tmp_path, extracted, answer, ok):
    key = write_key(tmp_path, [pdf_row(answer, [afig("n_parameters", 8e9, "parameters")])])
    ext = fake({"pdf/a.pdf": disclosure(model(extracted, Figure("n_parameters", 8e9,
                                                                "dimensionless", page=3)))})
    assert evaluate(key, extractor=ext).n_matched == int(ok)


def test_normalise_name():
    assert normalise_name("MPT-1.3B (quoted by TinyLlama)") == (("mpt", "1.3b"),)
    assert normalise_name("Llama 3.1 405B") == (("llama", "3.1", "405b"),)


def test_pdf_page_must_agree(tmp_path):
    key = write_key(tmp_path, [pdf_row("SmolLM2-1.7B", [afig("cost", 250000, "USD", page=2)],
                                       page=9)])
    for page, n in ((2, 1), (9, 0), (None, 0)):
        ext = fake({"pdf/a.pdf": disclosure(model("SmolLM2-1.7B",
                                                  Figure("cost", 250000, "USD", page=page)))})
        assert evaluate(key, extractor=ext).n_matched == n, page


@pytest.mark.parametrize(("heading", "ok"), [
    ("Carbon Footprint", True),
    ("Hardware and Software", True),
    ("Hardware and Software > Carbon Footprint", True),
    ("**Carbon Footprint:**", True),
    (None, True),                       # missing: accepted
    ("Model Details", False),
    ("Footprint Carbon", False),
    ("Software", True),                 # whole words of the description
    ("ware", False),                    # not a whole word
])
def test_card_sections_loose(tmp_path, heading, ok):
    sec = ("# **Hardware and Software** > **Carbon Footprint** (table: Time (GPU hours) | "
           "Power Consumption (W) | Carbon Emitted(tCO<sub>2</sub>eq))")
    key = write_key(tmp_path, [card_row("Llama 2 7B", [afig("emissions", 31.22, "tCO2eq",
                                                            section=sec)], section=sec)])
    ext = fake({"cards/c.md": disclosure(model("Llama 2 7B", Figure(
        "emissions", 31.22, "tCO2e", section=heading, page=None)))})
    assert evaluate(key, extractor=ext).n_matched == int(ok)


@pytest.mark.parametrize(("heading", "ok"), [
    ("Hardware and Software", True),     # the heading the bold label sits under
    ("Carbon Footprint", True),          # the bold label itself
    ("Model Details", False),
])
def test_card_bold_label_sits_under_row_heading(tmp_path, heading, ok):
    key = write_key(tmp_path, [card_row(
        "Llama 2 (Total row)", [afig("emissions", 539, "tCO2eq",
                                     section="**Carbon Footprint** prose")],
        row_kind="aggregate", section="# **Hardware and Software** > **Carbon Footprint** "
                                      "(table: Time (GPU hours))")])
    ext = fake({"cards/c.md": disclosure(model("Total", Figure("emissions", 539, "tCO2e",
                                                               section=heading),
                                               kind="aggregate"))})
    assert evaluate(key, extractor=ext).n_matched == int(ok)


def test_card_heading_section_is_strict_and_description_is_free(tmp_path):
    key = write_key(tmp_path, [card_row(
        "TinyLlama-1.1B", [afig("n_parameters", 1.1e9, "parameters",
                                section="## Training Details (Parameters)"),
                           afig("training_duration", 90, "day", section="intro paragraph")],
        section="## Training Details table and \"Blazingly Fast\" comparison table")])
    ext = fake({"cards/c.md": disclosure(model(
        "TinyLlama-1.1B", Figure("n_parameters", 1.1e9, "dimensionless", section="Blazingly Fast"),
        Figure("training_duration", 90, "day", section="TinyLlama-1.1B")))})
    r = evaluate(key, extractor=ext)
    assert [m["field"] for m in r.matches] == ["training_duration"]
    assert "place differs" in r.misses[0]["hint"]


def test_section_matches_descriptions_and_answer_head():
    assert section_matches("Training Details > Hardware", ["## Training Details (Hardware)"])
    assert section_matches("Training Details", ["## Training Details (Hardware)"])
    assert not section_matches("Evaluation", ["## Training Details (Hardware)"])
    # a description that names no heading (the figure sits under the title) is no section
    assert section_matches("YaLM 100B", ["intro paragraph (line 4)"])
    assert section_matches("[bigscience/bloom](https://huggingface.co/bigscience/bloom)",
                           ["Climate performance card table (rows 1-9), row 7 (final model)"])
    assert section_matches("Anything", [None, ""])


# --------------------------------------------------------------------------------------------
# errors, output
# --------------------------------------------------------------------------------------------
def test_extraction_error_is_recorded_and_run_continues(tmp_path):
    key = write_key(tmp_path, [
        pdf_row("A-7B", [afig("cost", 1, "USD"), afig("energy", 2, "MWh")], file="pdf/bad.pdf"),
        pdf_row("B-7B", [afig("cost", 5, "USD")], file="pdf/good.pdf"),
    ])
    ext = fake({"pdf/bad.pdf": ExtractionError("pdf/bad.pdf: encrypted"),
                "pdf/good.pdf": disclosure(model("B-7B", Figure("cost", 5, "USD", page=3)))})
    r = evaluate(key, extractor=ext)
    assert r.errors == [{"file": "pdf/bad.pdf", "type": "ExtractionError",
                         "message": "pdf/bad.pdf: encrypted"}]
    assert (r.n_answer, r.n_matched, r.recall, r.precision) == (3, 1, pytest.approx(1 / 3), 1.0)
    assert {m["file"] for m in r.misses} == {"pdf/bad.pdf"}
    assert r.per_document["pdf/bad.pdf"]["recall"] == 0.0
    assert r.per_document["pdf/bad.pdf"]["precision"] is None
    assert ext.calls == ["pdf/bad.pdf", "pdf/good.pdf"]


def test_other_exceptions_propagate(tmp_path):
    key = write_key(tmp_path, [pdf_row("A-7B", [afig("cost", 1, "USD")])])
    with pytest.raises(ZeroDivisionError):
        evaluate(key, extractor=fake({"pdf/a.pdf": ZeroDivisionError("bug")}))


def test_extract_once_per_file_and_corpus_dir(tmp_path):
    key = write_key(tmp_path, [pdf_row("A-7B", [afig("cost", 1, "USD")]),
                               pdf_row("A-13B", [afig("cost", 2, "USD")]),
                               pdf_row("R1", [], row_kind="document_without_compute_disclosure",
                                       file="pdf/neg.pdf")])
    seen: list[Path] = []

    def ext(path: Path) -> Disclosure:
        seen.append(path)
        if path.name == "neg.pdf":   # a negative control: anything extracted is an FP
            return disclosure(model("R1", Figure("cost", 3, "USD", page=3)))
        return disclosure()

    r = evaluate(key, tmp_path / "corpus", extractor=ext)
    assert seen == [tmp_path / "corpus" / "pdf/a.pdf", tmp_path / "corpus" / "pdf/neg.pdf"]
    assert (r.n_answer, r.n_extracted, r.n_matched, r.precision) == (2, 1, 0, 0.0)
    assert r.per_document["pdf/neg.pdf"]["n_extracted"] == 1


def test_bad_answer_key(tmp_path):
    with pytest.raises(MissingInputError):
        evaluate(tmp_path / "nope.json", extractor=fake({}))
    (tmp_path / "answers.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SchemaError, match="not valid JSON"):
        evaluate(tmp_path / "answers.json", extractor=fake({}))
    key = write_key(tmp_path, {"file": "a"})
    with pytest.raises(SchemaError, match="list"):
        evaluate(key, extractor=fake({}))
    key = write_key(tmp_path, [pdf_row("A", [afig("energy", 3, "bananas")])])
    with pytest.raises(SchemaError, match="bananas"):
        evaluate(key, extractor=fake({}))


def test_to_dict_and_format_table(tmp_path):
    key = write_key(tmp_path, [pdf_row("LLaMA-7B", [afig("energy", 36, "MWh",
                                                         match="809,472 356MWh 137"),
                                                    afig("cost", 5, "USD")])])
    ext = fake({"pdf/a.pdf": disclosure(model(
        "LLaMA-7B", Figure("energy", 36, "MWh", page=3),
        Figure("pue", 1.1, "dimensionless", page=3, locator="Table 15 caption",
               text="a PUE of 1.1")))})
    r = evaluate(key, extractor=ext)
    d = r.to_dict()
    assert {"recall", "precision", "per_field", "per_document", "misses", "false_positives",
            "errors"} <= set(d)
    assert json.loads(json.dumps(d)) == d
    text = format_table(r)
    assert "recall 50.0% (1/2" in text and "precision 50.0% (1/2" in text
    assert "energy" in text and "pdf/a.pdf" in text
    miss = next(line for line in text.splitlines() if line.strip().startswith("MISS"))
    assert all(s in miss for s in ("pdf/a.pdf", "p. 3", "LLaMA-7B", "cost", "5 USD"))
    fp = next(line for line in text.splitlines() if line.strip().startswith("FP"))
    assert all(s in fp for s in ("p. 3", "Table 15 caption", "pue", "1.1", "a PUE of 1.1"))
    with pytest.raises(TypeError):
        format_table(d)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# the real answer key
# --------------------------------------------------------------------------------------------
def _answer_key_as_disclosures(rows: list[dict]) -> dict[str, Disclosure]:
    """The key's own scored figures as Disclosures, in the glossary's canonical units."""
    by_file: dict[str, list[ModelDisclosure]] = {}
    for row in rows:
        figs = []
        for f in row["figures"]:
            if f["field"] not in SCORED_FIELDS or f.get("value") is None:
                continue
            unit, per = parse_answer_unit(f.get("unit"), f["field"])
            canonical = FIELD_UNITS[f["field"]]
            value = quantity(f["value"], unit).to(canonical).magnitude
            if per is not None and f["field"] == "accelerator_hours_per_trillion_tokens":
                value *= 1e12 / per
            # for a card the extracted section is only the heading: the text before " (" and
            # before " > ", without Markdown
            sec = f.get("section") or row.get("section")
            if row["doc_type"] == "card" and sec:
                sec = sec.split(" (")[0].split(" > ")[-1].strip("#* ")
            figs.append(Figure(
                f["field"], float(value), canonical,
                page=(f.get("page") or row.get("page")) if row["doc_type"] == "pdf" else None,
                section=sec if row["doc_type"] == "card" else None, text=f.get("match")))
        kind = "aggregate" if row["row_kind"] == "aggregate" else "model"
        by_file.setdefault(row["file"], []).append(ModelDisclosure(row["model"], kind,
                                                                   tuple(figs)))
    return {k: disclosure(*v) for k, v in by_file.items()}


def test_real_answer_key_accepts_its_own_figures():
    answers = CORPUS / "answers.json"
    if not answers.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{answers} is missing; CI must provide ../shared/corpus")
        pytest.skip(f"shared corpus not present at {CORPUS} (needs ../shared/corpus beside "
                    "the repository)")
    rows = json.loads(answers.read_text(encoding="utf-8"))
    docs = _answer_key_as_disclosures(rows)
    calls: list[Path] = []

    def ext(path: Path) -> Disclosure:
        calls.append(path)
        return docs[path.relative_to(CORPUS).as_posix()]

    r = evaluate(answers, extractor=ext)
    assert r.errors == []
    assert r.misses == [] and r.false_positives == [], format_table(r)
    assert r.recall == 1.0 and r.precision == 1.0
    assert r.n_answer == r.n_extracted == r.n_matched > 200
    assert len(calls) == len({row["file"] for row in rows}) == len(set(calls))
    assert set(r.per_document) == {row["file"] for row in rows}

    # and the scorer is not trivially permissive: one page off, no PDF figure matches
    shifted = {f: disclosure(*[model(m.name, *[Figure(**{**x.__dict__, "page": x.page + 1})
                                               if x.page is not None else x
                                               for x in m.figures], kind=m.kind)
                               for m in d.models]) for f, d in docs.items()}
    r2 = evaluate(answers, extractor=lambda p: shifted[p.relative_to(CORPUS).as_posix()])
    assert all(v["matched"] == 0 for k, v in r2.per_document.items() if k.endswith(".pdf"))
    assert r2.n_matched == sum(v["n_answer"] for k, v in r2.per_document.items()
                               if not k.endswith(".pdf"))
