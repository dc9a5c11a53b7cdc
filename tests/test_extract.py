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
    assert _fig(d, model, "accelerator_power").value == 700 or "Llama 2" in model
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
