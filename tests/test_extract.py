"""Extraction on small made-up inputs and on the real corpus (../shared/corpus)."""

import pytest

from audit.errors import ExtractionError, MissingInputError
from audit.extract import extract, extract_text


def _fig(d, model, field, basis="any"):
    m = d.model(model)
    hits = [f for f in m.figures if f.field == field and (basis == "any" or f.basis == basis)
            and f.locator != "text"]
    assert hits, f"{model}: no {field} in {[(f.field, f.value) for f in m.figures]}"
    return hits[0]


CARD = """# Demo model card

## Hardware and Software

| | Time (GPU hours) | Power (W) | Location-Based (tCO2eq) | Market-Based (tCO2eq) |
|---|---|---|---|---|
| Demo 7B | 1.2M | 700 | 350 | 0 |
| Demo 70B | 2.8M | 700 | 800 | 0 |
| Total | 5.0M | | 1,150 | 0 |
"""


def test_made_up_card_rows_basis_and_total_warning():
    d = extract_text(CARD, report_id="demo")
    assert _fig(d, "Demo 7B", "accelerator_hours").value == 1.2e6
    assert _fig(d, "Demo 70B", "emissions", "location").value == 800
    assert _fig(d, "Demo 70B", "emissions", "market").value == 0
    total = d.model("Total")
    assert total.kind == "aggregate"
    codes = [w.code for w in d.warnings]
    assert codes.count("TOTAL_ROW_MISMATCH") == 1  # 1.2M + 2.8M != 5.0M; 350 + 800 == 1,150
    assert any("accelerator_hours" == w.field for w in d.warnings)


def test_made_up_card_sums_without_warning():
    d = extract_text(CARD.replace("5.0M", "4.0M"), report_id="demo")
    assert not [w for w in d.warnings if w.code == "TOTAL_ROW_MISMATCH"]


def test_missing_and_empty_and_unsupported(tmp_path):
    with pytest.raises(MissingInputError, match="no such file"):
        extract(tmp_path / "nope.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty"):
        extract(empty)
    fake = tmp_path / "fake.pdf"
    fake.write_text("this is not a pdf")
    with pytest.raises(ExtractionError, match="not a PDF"):
        extract(fake)
    other = tmp_path / "x.docx"
    other.write_text("x")
    with pytest.raises(ExtractionError, match="unsupported"):
        extract(other)


# --- the real corpus ----------------------------------------------------------------------

LLAMA1_TABLE15 = [  # Touvron et al. 2023, Table 15, page 11
    ("OPT-175B", 809472, 356, 137), ("BLOOM-175B", 1082880, 475, 183),
    ("LLaMA-7B", 82432, 36, 14), ("LLaMA-13B", 135168, 59, 23),
    ("LLaMA-33B", 530432, 233, 90), ("LLaMA-65B", 1022362, 449, 173)]


@pytest.fixture(scope="module")
def llama1(corpus):
    return extract(corpus / "pdf" / "llama1-paper.pdf")


@pytest.mark.parametrize(("model", "hours", "mwh", "tco2"), LLAMA1_TABLE15,
                         ids=[f"llama1-touvron2023-table15-{r[0]}" for r in LLAMA1_TABLE15])
def test_llama1_table15(llama1, model, hours, mwh, tco2):
    h = _fig(llama1, model, "accelerator_hours")
    assert (h.value, h.page) == (hours, 11)
    assert "Table 15" in h.locator
    e = _fig(llama1, model, "energy")
    assert e.quantity.to("MWh").magnitude == mwh
    c = _fig(llama1, model, "emissions")
    assert c.quantity.to("tCO2e").magnitude == tco2
    assert _fig(llama1, model, "accelerator_power").quantity.to("W").magnitude == 400
    assert llama1.model(model).accelerator == "nvidia-a100-sxm4-80gb"


def test_llama1_provenance(llama1):
    assert llama1.source["sha256"].startswith("093a048ddc43")
    f = _fig(llama1, "LLaMA-65B", "accelerator_hours")
    assert "1,022,362" in f.text


CARDS = [  # (card, model, GPU-hours, location-based t, market-based t or None)
    ("llama2-model-card.md", "Llama 2 7B", 184320, 31.22, None),
    ("llama2-model-card.md", "Llama 2 70B", 1720320, 291.42, None),
    ("llama3-model-card.md", "Llama 3 8B", 1.3e6, 390, None),
    ("llama3-model-card.md", "Llama 3 70B", 6.4e6, 1900, None),
    ("llama3_1-model-card.md", "Llama 3.1 8B", 1.46e6, 420, 0),
    ("llama3_1-model-card.md", "Llama 3.1 405B", 30.84e6, 8930, 0),
]


@pytest.mark.parametrize(("card", "model", "hours", "loc", "mkt"), CARDS,
                         ids=[f"{c[0].split('-model')[0]}-carbon-table-{c[1]}" for c in CARDS])
def test_llama_cards(corpus, card, model, hours, loc, mkt):
    d = extract(corpus / "cards" / card)
    assert _fig(d, model, "accelerator_hours").value == pytest.approx(hours)
    basis = "location" if mkt is not None else None
    assert _fig(d, model, "emissions", basis).value == pytest.approx(loc)
    if mkt is not None:
        assert _fig(d, model, "emissions", "market").value == mkt
    power = 400 if model.startswith("Llama 2") else 700  # A100 400 W rows; H100 700 W rows
    assert _fig(d, model, "accelerator_power").value == power
    f = _fig(d, model, "accelerator_hours")
    assert f.section == "Hardware and Software" and f.page is None


def test_llama31_params_and_tokens(corpus):
    d = extract(corpus / "cards" / "llama3_1-model-card.md")
    m = d.model("Llama 3.1 405B")
    assert [f.value for f in m.get("n_parameters")][0] == 405e9
    tok = m.get("n_tokens")[0]
    assert tok.value == 15e12 and tok.bound == "lower"


def test_llama2_total_row_does_not_sum(corpus):
    d = extract(corpus / "cards" / "llama2-model-card.md")
    assert d.model("Total").kind == "aggregate"
    msgs = [w.message for w in d.warnings if w.code == "TOTAL_ROW_MISMATCH"]
    assert any("3.31162e+06" in m and "2.27328e+06" in m for m in msgs)


def test_llama31_total_row_sums(corpus):
    d = extract(corpus / "cards" / "llama3_1-model-card.md")
    assert not [w for w in d.warnings if w.code == "TOTAL_ROW_MISMATCH"]


# --- kinds of fault, on small made-up inputs ------------------------------------------------
def _figs(d, field, model=None):
    return [f for m in d.models if model is None or m.name == model for f in m.figures
            if f.field == field]


def test_params_column_names_the_row_model_and_rowspan_carries_over():
    text = """# Demo

## Model Details

| | Training Data | Params | Tokens |
|---|---|---|---|
| Demo 2 (text only) | web | 7B (6.9B) | Up to 2T tokens |
| | | 13B | |

## Hardware

| | Time (GPU hours) | Carbon (tCO2eq) |
|---|---|---|
| Demo 2 7B | 100000 | 30 |
| Demo 2 13B | 200000 | 60 |
"""
    d = extract_text(text, report_id="demo")
    assert [f.value for f in _figs(d, "n_parameters", "Demo 2 7B")] == [6.9e9]  # "7B (6.9B)"
    assert [f.value for f in _figs(d, "n_parameters", "Demo 2 13B")] == [13e9]
    tok = _figs(d, "n_tokens", "Demo 2 13B")  # empty cell under a value: a Markdown rowspan
    assert [f.value for f in tok] == [2e12] and tok[0].bound == "upper"


def test_transposed_table_with_model_columns_and_noise_rows():
    text = """# Demo-3 report

| | Demo-3 | Other-7B |
|---|---|---|
| # Total Params | 100B | 7B |
| MMLU (EM) | 80.1 | 60.2 |
"""
    d = extract_text(text, report_id="demo")
    assert [f.value for f in _figs(d, "n_parameters", "Demo-3")] == [100e9]
    # the other model's size is related work: it has no cost in this report
    assert not _figs(d, "n_parameters", "Other-7B")
    assert not [f for m in d.models for f in m.figures if f.value in (80.1, 60.2)]


def test_size_only_rows_take_the_family_name():
    text = "# Demo 3 Technical Report\n\n| Model | Type | #Chips |\n|---|---|---|\n" \
           "| 1B | TPUv5e | 512 |\n| 4B | TPUv5e | 2048 |\n"
    d = extract_text(text, report_id="demo")
    assert {m.name: m.get("accelerator_count")[0].value for m in d.models} == {
        "Demo 3 1B": 512, "Demo 3 4B": 2048}
    assert d.model("Demo 3 1B").accelerator == "google-tpu-v5e"


def test_rate_per_trillion_tokens_gives_derived_hours():
    text = ("# Demo-V2\n\nWe pretrain Demo-V2 on a corpus of 8.1T tokens. For training on each "
            "trillion tokens, Demo-V2 needs only 172.8K GPU hours.\n")
    d = extract_text(text, report_id="demo")
    (m,) = d.models
    rate = m.get("accelerator_hours_per_trillion_tokens")[0]
    assert rate.value == 172800 and rate.status == "reported"
    (hours,) = m.get("accelerator_hours")
    assert hours.status == "derived" and hours.method == "accelerator_hours_from_rate"
    assert hours.value == pytest.approx(172800 * 8.1) and len(hours.inputs) == 2


def test_rate_per_other_token_count_is_derived_per_trillion():
    text = ("# Tiny\n\n| Model | A100 GPU hours taken on 300B tokens |\n|---|---|\n"
            "| Tiny-1B | 3456 |\n")
    d = extract_text(text, report_id="demo")
    (rate,) = _figs(d, "accelerator_hours_per_trillion_tokens")
    assert rate.status == "derived" and rate.value == pytest.approx(3456 / 0.3)
    assert not _figs(d, "accelerator_hours")  # a rate is not a total


def test_figures_quoted_for_other_models_are_theirs():
    text = ("# Demo-V2\n\nDuring training on each trillion tokens, Demo 67B requires 300.6K GPU "
            "hours, while Demo-V2 needs only 172.8K GPU hours. Qwen2-1.5B was trained on 7 "
            "trillion tokens (Yang et al., 2024).\n")
    d = extract_text(text, report_id="demo")
    assert _figs(d, "accelerator_hours_per_trillion_tokens", "Demo 67B")[0].value == 300600
    assert _figs(d, "accelerator_hours_per_trillion_tokens", "Demo-V2")[0].value == 172800
    assert not _figs(d, "n_tokens")  # related work, not this report's model


def test_family_without_size_is_not_attributed():
    text = ("| | GPU-hours | tCO2eq |\n|---|---|---|\n| Big-175B | 800000 | 137 |\n"
            "| Ours-7B | 82432 | 14 |\n| Ours-13B | 135168 | 23 |\n\n"
            "For instance, Big uses a grid that emits 0.057 kg CO2eq/KWh leading to 27 tCO2eq.\n")
    d = extract_text(text, report_id="demo")
    assert not [f for f in _figs(d, "emissions") if f.value == 27]
    assert "AMBIGUOUS_MODEL" in [w.code for w in d.warnings]


def test_restatements_are_one_disclosure():
    text = ("# Demo-1B\n\n## Training\n\nWe trained Demo-1B on 2T tokens. It has 1.1B "
            "parameters.\n\n## Details\n\n| Setting | Description |\n|---|---|\n"
            "| Parameters | 1.1B |\n| Hardware | 16 A100-40G GPUs |\n\n## Later\n\n"
            "Demo-1B was trained on 2T tokens with 16 A100-40G GPUs.\n")
    d = extract_text(text, report_id="demo")
    (m,) = d.models
    params = m.get("n_parameters")
    assert len(params) == 1 and params[0].locator != "text"  # a card's table wins
    assert len(m.get("n_tokens")) == 1 and len(m.get("accelerator_count")) == 1


def test_upper_bounds_are_warnings_not_figures():
    d = extract_text("# Demo-1B\n\nThe total cost was less than $8K for Demo-1B.\n",
                     report_id="demo")
    assert not _figs(d, "cost")
    assert "UPPER_BOUND_ONLY" in [w.code for w in d.warnings]


def test_key_value_card_with_units_in_values():
    text = """# [org/demo](https://example.org)

| [org/demo](https://example.org) | |
|---|---|
| 2. How much time does the training of the final model take? | 118 days, 5 hours, 41 min |
| 3. How much time did all experiments take? | 3.46 million hours |
| 4. What was the power of GPU and CPU? | 0.4 kW |
| 6. What was the energy mix at the geo location? | 57 gCO2eq/kWh |
| 7. How much CO2eq was emitted to train the final model? | 24,690 kg |
| 9. What is the average CO2eq emission for the inference of one sample? | 0.15 g |
"""
    d = extract_text(text, report_id="demo")
    (m,) = d.models
    assert m.name == "org/demo"
    assert m.get("training_duration")[0].quantity.to("hour").magnitude == pytest.approx(
        2837.683, abs=1e-3)
    assert m.get("accelerator_hours")[0].value == 3.46e6  # too long to be wall clock
    assert m.get("accelerator_power")[0].quantity.to("W").magnitude == 400
    assert m.get("carbon_intensity")[0].quantity.to("gCO2e/kWh").magnitude == 57
    assert [f.quantity.to("kgCO2e").magnitude for f in m.get("emissions")] == [24690]


def test_sections_are_heading_paths():
    d = extract_text("# Title\n\n## Training\n\n### Version 2\n\n- **Hardware:** 32 x 8 x A100 "
                     "GPUs\n", report_id="demo")
    (f,) = _figs(d, "accelerator_count")
    assert f.value == 256 and f.section == "Training > Version 2"


# --- PDF layout, on word boxes (no PDF needed) ------------------------------------------------
def _w(text, x0, x1, top, size=10.0):
    from audit.extract.pdf import Word

    return Word(text, x0, x1, top, top + size, size)


def test_subscript_and_superscript_are_glued():
    from audit.extract.pdf import _glue_scripts

    words = [_w("455", 100, 115, 100), _w("tCO", 118, 135, 100), _w("2", 135, 139, 103, 7.0),
             _w("eq", 139.4, 150, 100), _w("8.35", 200, 218, 100), _w("×", 220, 226, 100),
             _w("10", 228, 238, 100), _w("23", 238, 246, 97.5, 7.0)]
    texts = sorted(w.text for w in _glue_scripts(words))
    assert "tCO2eq" in texts and "10^23" in texts


def _two_columns(rows_left, rows_right):
    from audit.extract.pdf import Line

    lines = []
    for k, (a, b) in enumerate(zip(rows_left, rows_right, strict=True)):
        words = []
        for side, text in ((0, a), (1, b)):
            x = 60 if side == 0 else 310
            for t in text.split():
                w = 4.0 * len(t) if not t.replace(".", "").isdigit() else 20
                words.append(_w(t, x, x + w, 100 + 14 * k))
                x += w + (3 if len(text.split()) > 3 else 30)
        lines.append(Line(words))
    return lines


def test_two_columns_are_read_left_then_right():
    from audit.extract.pdf import _assign_columns

    left = [f"left column line number {i} of the text here" for i in range(4)]
    right = [f"right column line number {i} of the text here" for i in range(4)]
    lines = _two_columns(left, right)
    out = _assign_columns(lines, (300.0, 240.0, 240.0))
    assert [ln.text.split()[0] for ln in out] == ["left"] * 4 + ["right"] * 4


def test_side_by_side_tables_are_split():
    from audit.extract.pdf import Line, _assign_columns

    rows = _two_columns(["1B TPUv5e 512 16", "4B TPUv5e 2048 16"],
                        ["1B 2.0 0.5 0.7", "4B 2.9 1.4 1.6"])
    rows.append(Line([_w("12B", 60, 80, 130), _w("TPUv4", 110, 140, 130),
                      _w("6144", 170, 190, 130)]))  # a row of the left table only
    out = _assign_columns(rows, (300.0, 240.0, 240.0))
    assert [ln.col for ln in out] == ["L", "L", "L", "R", "R"]


# --- PDF layout on the real corpus ------------------------------------------------------------
def test_llama1_two_column_aggregate_and_subscript(llama1):
    agg = [m for m in llama1.models if m.kind == "aggregate"]
    assert len(agg) == 1
    got = {(f.field, f.page): f for f in agg[0].figures}
    assert got[("energy", 10)].value == 2638
    assert got[("emissions", 10)].quantity.to("tCO2e").magnitude == 1015  # "tCO" + "2" + "eq"
    assert got[("pue", 10)].value == 1.1  # first line of the right column
    assert got[("accelerator_count", 10)].value == 2048
    # BLOOM's and OPT's own-grid figures name a family, not a row: not attributed
    assert not [f for m in llama1.models for f in m.figures if f.value in (27, 82, 0.057)]


def test_gemma3_side_by_side_tables(corpus):
    d = extract(corpus / "pdf" / "gemma3-report.pdf", max_pages=3)
    chips = {m.name: m.get("accelerator_count")[0].value for m in d.models
             if m.get("accelerator_count")}
    assert chips == {"Gemma 3 1B": 512, "Gemma 3 4B": 2048, "Gemma 3 12B": 6144,
                     "Gemma 3 27B": 6144}
    tokens = {m.name: m.get("n_tokens")[0].value for m in d.models if m.get("n_tokens")}
    assert tokens == {"Gemma 3 1B": 2e12, "Gemma 3 4B": 4e12, "Gemma 3 12B": 12e12,
                      "Gemma 3 27B": 14e12}  # "14T tokens for Gemma 3 27B, 12T for the 12B..."
    assert not [m for m in d.models if m.get("energy") or m.get("emissions")]  # memory table


def test_deepseek_r1_negative_control(corpus):
    d = extract(corpus / "pdf" / "deepseek-r1-paper.pdf")
    assert [(m.name, sorted(f.field for f in m.figures)) for m in d.models] == [
        ("DeepSeek-R1", ["n_active_parameters", "n_parameters"])]


def test_prescan_keeps_disclosure_pages_only(corpus):
    from audit.extract.pdf import scan_pages

    keep, n, chars = scan_pages(corpus / "pdf" / "llama1-paper.pdf")
    assert n == 27 and chars > 10_000
    assert {1, 3, 10, 11} <= set(keep)  # title, Table 2 (sizes, tokens), carbon text, Table 15
    assert len(keep) < n  # reference and benchmark-only pages get no layout work


def test_extraction_cache_reused_by_sha256(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTPRINT_AUDIT_CACHE", str(tmp_path / "cache"))
    card = tmp_path / "a.md"
    card.write_text(CARD)
    first = extract(card)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    copy = tmp_path / "b.md"
    copy.write_text(CARD)

    def boom(*a, **k):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr("audit.extract.read_card", boom)
    again = extract(copy)
    assert again.models == first.models
    assert again.report_id == "b" and again.source["file"] == str(copy)
    monkeypatch.setenv("FOOTPRINT_AUDIT_CACHE", "off")
    with pytest.raises(AssertionError, match="cache"):
        extract(copy)
