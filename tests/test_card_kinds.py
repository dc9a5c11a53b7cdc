"""Kinds of model-card writing seen on real cards outside the corpus (Stable Diffusion v1,
Phi-3, OLMo, BLOOM, Falcon cards on Hugging Face), each on a small card made here.

Each test names the kind it holds; the cards are written for the test, never copied.
"""

from __future__ import annotations

import pytest

from audit.extract import extract_text
from audit.reconstruct import reconstruct


def _model(d, name=None):
    models = [m for m in d.models if name is None or m.name == name]
    assert len(models) == 1, [m.name for m in d.models]
    return models[0]


# --- hardware named on a key-value line ----------------------------------------------------
@pytest.mark.parametrize("lines, acc, count", [
    ("- **Hardware Type:** A100 PCIe 40GB\n- **Hours used:** 150000", "nvidia-a100-pcie-40gb",
     None),
    ("- **Hardware:** 32 x 8 x A100 GPUs\n- **Hardware Type:** A100 PCIe 40GB\n"
     "- **Hours used:** 150000", "nvidia-a100-pcie-40gb", 256),  # the specific line wins
    ("* GPUs: 512 H100-80G\n* Training time: 10 days", "nvidia-h100", 512),
    ("- Hardware: A100-80GB\n- GPU hours: 20000", "nvidia-a100-sxm4-80gb", None),
])
def test_hardware_lines_name_the_accelerator(lines, acc, count):
    d = extract_text(f"# Testmodel-7B\n\n## Training\n\n{lines}\n")
    m = _model(d)
    assert m.accelerator == acc
    assert [f.value for f in m.get("accelerator_count")] == ([count] if count else [])


def test_inference_hardware_is_not_the_training_hardware():
    d = extract_text("# Testmodel-7B\n\n## Training\n\n* GPUs: 512 H100-80G\n"
                     "* Training time: 10 days\n\n## Hardware\n\nNote that by default, the "
                     "model was tested on NVIDIA A100, A6000 and H100 GPUs for inference.\n")
    assert _model(d).accelerator == "nvidia-h100"
    d = extract_text("# Testmodel-7B\n\nWe trained for 10 days on 64 GPUs. For inference we "
                     "recommend one NVIDIA A100 80GB GPU.\n")
    assert _model(d).accelerator is None  # the only chip named is for inference


def test_compute_region_line_is_the_run_location():
    d = extract_text("# Testmodel-7B\n\n- **Hardware Type:** A100 PCIe 40GB\n- **Hours used:** "
                     "150000\n- **Cloud Provider:** AWS\n- **Compute Region:** US-east\n")
    assert _model(d).location == "US-east"
    (fp,) = reconstruct(d, samples=200)
    used = {a["quantity"]: a for a in fp.assumptions}
    assert used["carbon_intensity"]["applies_to"] == "US"


# --- a zero grid factor and a GPU-only energy ----------------------------------------------
CARBON_TABLE = """# Testmodel

## Environmental Impact

| | GPU Type | Power Consumption From GPUs | Carbon Intensity (kg CO2e/KWh) | \
Carbon Emissions (tCO2eq) |
|---|---|---|---|---|
| Testmodel 7B Twin | MI250X | 135 MWh | 0* | 0* |
| Testmodel 7B | A100-40GB | 104 MWh | 0.656 | 75.05 |
"""


def test_zero_intensity_row_is_audited_not_a_crash():
    """OLMo's card: a hydro-powered row prints 0* for intensity and emissions."""
    fps = {fp.model: fp for fp in reconstruct(extract_text(CARBON_TABLE), samples=200)}
    twin = fps["Testmodel 7B Twin"]
    assert twin.meters["emissions"].value == 0


def test_gpu_energy_with_facility_emissions_implies_the_pue():
    """75.05 t / (104 MWh x 0.656 t/MWh) = 1.100: the energy is the GPUs', the emissions
    carry a PUE of 1.1 (derived, not assumed), and the facility energy is 114.4 MWh."""
    fps = {fp.model: fp for fp in reconstruct(extract_text(CARBON_TABLE), samples=200)}
    fp = fps["Testmodel 7B"]
    pue = fp.meters["pue"]
    assert pue.status == "derived" and pue.value == pytest.approx(1.100, abs=5e-4)
    assert fp.meters["facility_energy"].value == pytest.approx(114.4, abs=0.05)
    assert "INTENSITY_MISMATCH" not in [w.code for w in fp.warnings]


# --- number forms ----------------------------------------------------------------------------
@pytest.mark.parametrize("cell, flop", [
    ("4.6 × 10²³", 4.6e23), ("4.6·10²³", 4.6e23), ("1.8 × 10^23", 1.8e23), ("2e22", 2e22),
    ("3.1·10⁻²", None),  # a tiny number is no training compute
])
def test_superscript_and_middle_dot_exponents(cell, flop):
    d = extract_text(f"# Testmodel-13B\n\n| Model | Training FLOPs |\n|---|---|\n"
                     f"| Testmodel-13B | {cell} |\n")
    got = [f.value for m in d.models for f in m.get("training_compute")]
    assert got == ([pytest.approx(flop)] if flop else [])


def test_thousands_grouped_by_narrow_spaces():
    d = extract_text("# Testmodel-7B\n\nTraining used 150\u202f000 kWh of electricity and "
                     "1\u00a0080\u00a0000 GPU-hours.\n")
    m = _model(d)
    assert [f.value for f in m.get("energy")] == [150_000]  # not "000 kWh" = 0
    assert [f.value for f in m.get("accelerator_hours")] == [1_080_000]


def test_number_words_in_table_cells_and_card_titles():
    """'Model Card for X' names X; '3 Trillion' in a tokens column is 3e12."""
    d = extract_text("# Model Card for Testmodel\n\n| Size | Training Tokens | Layers |\n"
                     "|---|---|---|\n| [Testmodel 1B](https://example.org/1b) | 3 Trillion | 16 |\n"
                     "| [Testmodel 7B](https://example.org/7b) | 2.5 Trillion | 32 |\n")
    assert {m.name: m.get("n_tokens")[0].value for m in d.models} == {
        "Testmodel 1B": 3e12, "Testmodel 7B": 2.5e12}


def test_code_blocks_are_neither_headings_nor_figures():
    d = extract_text("# Testmodel-7B\n\n```python\n# load the 70B teacher on 8 A100 GPUs\n"
                     "model = load('x')\n```\n\n## Environmental Impact\n\n"
                     "Training took 20,000 GPU hours on H100 GPUs.\n")
    m = _model(d)
    assert [f.value for f in m.get("accelerator_hours")] == [20_000]
    assert m.get("accelerator_hours")[0].section == "Environmental Impact"
    assert m.accelerator == "nvidia-h100" and not m.get("accelerator_count")


# --- Hugging Face metadata and the card's own counts ----------------------------------------
META_CARD = """---
license: other
co2_eq_emissions:
  emissions: 24_700_000
  source: "a footprint paper"
  training_type: "pre-training"
  geographical_location: "Orsay, France"
  hardware_used: "384 A100 80GB GPUs"
model-index:
- name: testmodel
  results: []
---

Testmodel Large Open Multilingual Language Model
Version 1.3 / 6 July 2022

Total seen tokens: **366B**

## Model Details

* 176,247,271,424 parameters:
* 384 A100 80GB GPUs (48 nodes)
* Additional 32 A100 80GB GPUs (4 nodes) in reserve

In 1.6TB of pre-processed text, converted into 350B unique tokens.
"""


def test_hub_metadata_block_and_the_cards_own_counts():
    d = extract_text(META_CARD)
    m = _model(d)
    assert m.name == "testmodel"  # the model-index name, not "Version 1.3"
    assert m.accelerator == "nvidia-a100-sxm4-80gb" and m.location == "Orsay, France"
    em = m.get("emissions")
    assert [(f.value, f.unit) for f in em] == [(24_700_000, "gCO2e")]  # grams, hub spec
    assert {f.value for f in m.get("accelerator_count")} == {384}  # not the 32 in reserve
    assert [f.value for f in m.get("n_tokens")] == [366e9]  # seen, not the 350B unique
    assert [f.value for f in m.get("n_parameters")] == [176_247_271_424]
    (fp,) = reconstruct(d, samples=200)
    used = {a["quantity"]: a for a in fp.assumptions}
    em = fp.meters["emissions"]
    assert em.quantity.to("tCO2e").magnitude == pytest.approx(24.7)
    assert "carbon_intensity" not in used or used["carbon_intensity"]["applies_to"] == "FR"


# --- qualifiers ------------------------------------------------------------------------------
def test_basis_written_after_each_figure():
    d = extract_text("# Testmodel-7B\n\nTotal emissions were ~55 tCO₂e (location-based) and "
                     "0 tCO2e market-based.\n")
    assert sorted((f.value, f.basis) for f in _model(d).get("emissions")) == [
        (0, "market"), (55, "location")]


def test_up_to_a_chip_count_is_only_a_bound():
    d = extract_text("# Testmodel-180B\n\nTestmodel-180B was trained on up to 4,096 A100 40GB "
                     "GPUs for 2 months.\n")
    assert not _model(d).get("accelerator_count")
    msg = [w.message for w in d.warnings if w.code == "UPPER_BOUND_ONLY"]
    assert msg and "4096" in msg[0]


@pytest.mark.parametrize("text, precision", [
    ("| | |\n|---|---|\n| Precision | `bfloat16` |\n| Layers | 80 |", "bf16"),
    ("We design an FP8 mixed precision training framework. Optimizer states stay in FP32.",
     "fp8"),
    ("The model was trained in bfloat16 on 64 A100 GPUs.", "bf16"),
    ("Gradients are accumulated in FP32 for stability.", None),  # storage, not the compute
    ("We train in FP16. We also train in BF16.", None),  # two, equally often: not said
])
def test_training_precision(text, precision):
    d = extract_text(f"# Testmodel-7B\n\nTestmodel-7B has 7B parameters.\n\n{text}\n")
    assert {m.precision for m in d.models} == {precision}


def test_deepseek_v3_pdf_reads_fp8(corpus):
    from audit.extract import extract

    d = extract(corpus / "pdf" / "deepseek-v3-report.pdf")
    assert {m.precision for m in d.models} == {"fp8"}  # as the registry record says


@pytest.mark.parametrize("model, n, flop", [
    ("Gemma 3 1B", 1.000e9, 1.2e22), ("Gemma 3 4B", 3.884e9, 9.6e22),
    ("Gemma 3 12B", 11.771e9, 8.64e23), ("Gemma 3 27B", 27.016e9, 2.268e24)],
    ids=["gemma3-table1-1b", "gemma3-table1-4b", "gemma3-table1-12b", "gemma3-table1-27b"])
def test_gemma3_parameter_components_give_6nd(corpus, model, n, flop):
    """Table 1 prints embedding and non-embedding parameters (M, to the unit): N is their sum
    (derived), and 6ND with the section 2.2 tokens matches Epoch AI's 6ND (which uses the
    rounded sizes 1B, 4B, 12B, 27B: within 3 %)."""
    from audit.extract import extract

    d = extract(corpus / "pdf" / "gemma3-report.pdf")
    m = next(x for x in d.models if x.name == model)
    (p,) = m.get("n_parameters")
    assert p.status == "derived" and p.value == pytest.approx(n, abs=5e5)
    fp = next(f for f in reconstruct(d, samples=200) if f.model == model)
    assert fp.meters["training_compute_6nd"].value == pytest.approx(flop, rel=0.03)


def test_assumed_accelerator_fills_only_a_silent_report():
    from audit.assumptions import override
    from audit.errors import UnknownAssumptionError
    from audit.pipeline import audit_disclosure

    given = {"accelerator": override("accelerator", "nvidia-a100-sxm4-80gb")}
    silent = extract_text("# Testmodel-7B\n\nTestmodel-7B was trained for 20,000 GPU hours.\n")
    (fp,) = audit_disclosure(silent, overrides=given, samples=200).footprints
    assert fp.accelerator == "nvidia-a100-sxm4-80gb"
    assert "ACCELERATOR_GIVEN" in [w.code for w in fp.warnings]
    assert fp.meters["it_energy"].value == pytest.approx(20_000 * 0.4 * 0.75 / 1000, rel=0.2)
    named = extract_text("# Testmodel-7B\n\nTestmodel-7B was trained for 20,000 GPU hours on "
                         "H100 SXM5 GPUs.\n")
    (fp,) = audit_disclosure(named, overrides=given, samples=200, analyse=False).footprints
    assert fp.accelerator == "nvidia-h100-sxm5-80gb"  # the report's own chip stays
    with pytest.raises(UnknownAssumptionError, match="closest: nvidia-h100"):
        override("accelerator", "h100x")


# --- second outside trial: units, hours, sizes, comparisons -----------------------------------
def test_mass_units_spelled_out_and_a_bad_unit_spoils_no_document():
    d = extract_text("# Testmodel-80B\n\n- **Hardware Type:** 512 NVIDIA A100 GPUs\n"
                     "- **Hours used:** 672 hours (28 days)\n- **Carbon Emitted:** 16,714 kgs of "
                     "CO2eq\n\nThe total carbon footprint was estimated at **65.57 tons of "
                     "CO2eq**.\n")
    m = _model(d)
    assert sorted((f.value, f.unit) for f in m.get("emissions")) == [
        (65.57, "tCO2e"), (16_714, "kgCO2e")]  # kgs are kilograms, never tonnes
    assert [f.value for f in m.get("training_duration")] == [672]  # restated in days: wall clock
    assert not m.get("accelerator_hours")


def test_cpu_hours_are_not_gpu_hours():
    d = extract_text("# Testmodel-9B\n\n- **Hardware Type:** NVIDIA V100 and A100 GPUs\n"
                     "- **Hours used:** 460,000 CPU hours, 385,000 V100 GPU hours\n")
    assert 460_000 not in [f.value for m in d.models for f in m.get("accelerator_hours")]


def test_one_point_three_b_is_not_thirteen_b():
    d = extract_text("# Testmodel-GPT\n\n| Model | Parameters | Training FLOPs |\n|---|---|---|\n"
                     "| Testmodel-GPT 1.3B | 1.3B | 2.8E+20 |\n"
                     "| Testmodel-GPT 13B | 13B | 2.3E+22 |\n")
    flop = {m.name: m.get("training_compute")[0].value for m in d.models}
    assert flop == {"Testmodel-GPT 1.3B": 2.8e20, "Testmodel-GPT 13B": 2.3e22}


def test_batch_and_ratio_columns_are_no_token_counts():
    d = extract_text("# Testmodel-GPT\n\n| Model | Parameters | BS (tokens) | Tokens per Parameter "
                     "| Training tokens |\n|---|---|---|---|---|\n| Testmodel-GPT 1.3B | 1.3B | "
                     "1.08M | 20 | 26.3B |\n")
    assert [f.value for f in _model(d).get("n_tokens")] == [26.3e9]


def test_epochs_multiply_the_tokens_seen():
    d = extract_text("# Testmodel-3B\n\nTestmodel-3B is pre-trained on 1 trillion tokens of "
                     "English and code for 4 epochs.\n")
    (t,) = _model(d).get("n_tokens")
    assert t.value == 4e12 and t.status == "derived" and "4 epochs" in t.inputs


def test_counts_after_a_comparison_belong_to_other_models():
    d = extract_text("# Testmodel-7B\n\nTestmodel-7B is trained on a large amount of data (1T "
                     "tokens like LLaMA vs. 300B for Pythia, 300B for OpenLLaMA, and 800B for "
                     "StableLM).\n")
    assert [f.value for m in d.models for f in m.get("n_tokens")] == [1e12]


def test_the_training_sentence_names_the_chip():
    d = extract_text("# Testmodel-7B\n\nWe demonstrate generations of 80k tokens on a single "
                     "A100-80GB GPU. This model was trained on 440 A100-40GBs for about 9.5 "
                     "days.\n")
    assert _model(d).accelerator == "nvidia-a100-sxm4-40gb"


def test_exact_count_in_an_unnamed_table_row_beats_the_rounded_prose():
    d = extract_text("# Testmodel-3B\n\nTestmodel-3B is a 3 billion parameter model.\n\n"
                     "| Parameters | Hidden Size | Layers | Heads |\n|---|---|---|---|\n"
                     "| 2,795,443,200 | 2560 | 32 | 32 |\n")
    assert [f.value for f in _model(d).get("n_parameters")] == [2_795_443_200]


@pytest.mark.parametrize("card, field, value", [
    ("- **Pretraining tokens:** 4+ trillion\n- **Parameters:** 15B", "n_tokens", 4e12),
    ("- **Pretraining tokens:** 3.3+ trillion", "n_tokens", 3.3e12),
])
def test_a_plus_before_the_scale_word_keeps_the_scale(card, field, value):
    (f,) = _model(extract_text(f"# Testmodel-15B\n\n{card}\n")).get(field)
    assert f.value == value and f.bound == "lower"  # not 4 tokens


@pytest.mark.parametrize("card", [
    "- **Hours used:** 0\n- **Hardware Type:** A100 PCIe 40GB\n- **Carbon Emitted:** 1 kg",
    "Testmodel-7B was trained for 0 days on 8 A100 GPUs.",
])
def test_zero_hours_are_no_run_and_no_crash(card):
    from audit.pipeline import audit_disclosure

    d = extract_text(f"# Testmodel-7B\n\n{card}\n")
    assert not [f for m in d.models for f in m.get("accelerator_hours") + m.get(
        "training_duration")]
    audit_disclosure(d, samples=200)  # no ZeroDivisionError


def test_assumed_accelerator_message_names_an_unknown_printed_chip():
    import dataclasses

    from audit.assumptions import override
    from audit.reconstruct import reconstruct

    d = extract_text("# Testmodel-13B\n\nTestmodel-13B was trained for 20,000 GPU hours.\n")
    d = dataclasses.replace(d, models=tuple(dataclasses.replace(
        m, accelerator_printed="16 CS-2 systems") for m in d.models))
    (fp,) = reconstruct(d, samples=200, overrides={"accelerator": override(
        "accelerator", "nvidia-h100-sxm5-80gb")})
    msg = [w.message for w in fp.warnings if w.code == "ACCELERATOR_GIVEN"][0]
    assert "'16 CS-2 systems' is not in the registry" in msg


def test_the_opening_sentences_subject_names_the_card_not_a_compared_model():
    d = extract_text("---\nlicense: apache-2.0\n---\n\nTestNeo-20B is a 20 billion parameter "
                     "model. Its architecture resembles that of GPT-3, and differs from GPT-3 "
                     "in two ways.\n\n- Parameters: 20,554,567,680\n")
    assert [m.name for m in d.models] == ["TestNeo-20B"]


@pytest.mark.parametrize("name, model", [
    ("Gaudi3", False), ("Gaudi-3", False), ("CS-2", False), ("Trainium2", False),
    ("Testmodel-8B", True), ("Granite-3", True)])
def test_chip_families_outside_the_registry_are_no_model_names(name, model):
    from audit.assumptions import find_accelerator
    from audit.extract.attribution import _looks_like_model

    assert _looks_like_model(name, lambda t: find_accelerator(t) is not None) is model
    d = extract_text(f"# Testmodel-8B\n\nTestmodel-8B was trained for 9 days on 64 {name} "
                     "accelerators and has 8B parameters.\n")
    assert [m.name for m in d.models] == ["Testmodel-8B"]


def test_a_prose_only_model_restating_the_total_is_that_total():
    d = extract_text("# Testmodel-4-Big-17B\n\n**Training Energy Use** Model pre-training utilized "
                     "a cumulative of 7.38M GPU hours of computation on H100-80GB hardware.\n\n"
                     "| Model Name | Training Time (GPU hours) | Training Power Consumption (W) |\n"
                     "|---|---|---|\n| Testmodel 4 Small | 5.0M | 700 |\n"
                     "| Testmodel 4 Big | 2.38M | 700 |\n| Total | 7.38M | - |\n")
    assert [m.name for m in d.models] == ["Testmodel 4 Small", "Testmodel 4 Big", "Total"]
    assert {f.locator == "text" for f in d.model("Total").get("accelerator_hours")} == {
        True, False}  # the table cell and its prose restatement, on one row


@pytest.mark.parametrize("lines, field", [
    ("- **Hardware Type:** 128 NVIDIA A100 GPUs\n- **Hours used:** 350 hours",
     "training_duration"),  # 350 GPU-hours on 128 GPUs would be 2.7 h each: the wall clock
    ("- **Hardware:** 32 x 8 x A100 GPUs\n- **Hours used:** 150000", "accelerator_hours"),
])
def test_hours_used_beside_a_chip_count(lines, field):
    m = _model(extract_text(f"# Testmodel-9B\n\n## Training\n\n{lines}\n"))
    assert [f.field for f in m.figures if f.field in ("training_duration", "accelerator_hours")
            ] == [field]


def test_energy_labelled_as_the_gpus_is_it_level():
    """OLMo's 'Power Consumption From GPUs' with a 0 grid factor (no carbon to tell the level
    by): the accelerators' energy, so the PUE goes on top, not 'facility, no PUE'."""
    fps = {fp.model: fp for fp in reconstruct(extract_text(CARBON_TABLE), samples=200)}
    twin = fps["Testmodel 7B Twin"]
    assert twin.meters["it_energy"].value == 135
    assert twin.meters["facility_energy"].value > 135
    assert "ENERGY_LEVEL_UNKNOWN" not in [w.code for w in twin.warnings]


@pytest.mark.parametrize("texts, days", [
    (["- Started 11th March, 2022 11:42am PST", "Estimated end: 5th July, 2022"], 116),
    (["Training started on 2023-08-23 and ended 2023-09-22."], 30),
    (["It was trained between March 1, 2022 and April 2, 2022."], 32),
    (["We started training on 1 May 2023 and released it on 2 June 2023."], None),
    (["We use questions from September 1st, 2023 to April 1st, 2024 to evaluate."], None),
])
def test_training_dates_give_the_wall_clock(texts, days):
    from audit.extract.checks import training_dates
    from audit.extract.markdown import Passage

    f = training_dates([Passage(t, "Speeds, Sizes, Times") for t in texts])
    assert (f.value if f else None) == days
    assert f is None or f.section == "Speeds, Sizes, Times"  # where the end date was read


def test_bloom_card_dates_and_gpus_give_gpu_hours():
    """BLOOM's card: 384 A100 80GB GPUs, started 11 March 2022, estimated end 5 July 2022:
    116 days x 384 = 1,069,056 GPU-hours (Luccioni et al. 2022, Table 1, measured 1,082,990:
    1.3 % more; the card's end date is an estimate)."""
    d = extract_text("# Testbloom\n\n- **Hardware:** 384 A100 80GB GPUs (48 nodes)\n\n"
                     "## Speeds, Sizes, Times\n\n- Dates:\n\n    - Started 11th March, 2022 "
                     "11:42am PST\n\n    - Estimated end: 5th July, 2022\n")
    (fp,) = reconstruct(d, samples=200)
    assert fp.meters["accelerator_hours"].value == pytest.approx(384 * 116 * 24)
    assert fp.meters["accelerator_hours"].value == pytest.approx(1_082_990, rel=0.02)


@pytest.mark.parametrize("text, value", [
    ("- Training throughput: About 150 TFLOP per GPU per second", 150e12),
    ("We reach 147 TFLOP/s per GPU on 992 A100 GPUs.", 147e12),
    ("The A100 has a peak of 312 TFLOPS per GPU in BF16.", None),  # a spec, not achieved
])
def test_achieved_throughput(text, value):
    d = extract_text(f"# Testmodel-176B\n\nTestmodel-176B was trained on 384 A100 80GB GPUs.\n\n"
                     f"{text}\n")
    got = [f.quantity.to("FLOP/s").magnitude for m in d.models
           for f in m.get("achieved_throughput")]
    assert got == ([pytest.approx(value)] if value else [])


def test_achieved_throughput_gives_the_mfu():
    """BLOOM's card: ~150 TFLOP/s per A100 against its 312 TFLOP/s bf16 peak: MFU 0.48,
    derived, in place of the registry's 0.38."""
    d = extract_text("# Testbloom-176B\n\nTestbloom-176B has 176B parameters and was trained on "
                     "366B tokens on 384 A100 80GB GPUs.\n\n- Training throughput: About 150 "
                     "TFLOP per GPU per second\n")
    (fp,) = reconstruct(d, samples=200)
    mfu = fp.meters["mfu"]
    assert mfu.status == "derived" and mfu.value == pytest.approx(150 / 312, abs=1e-3)
    assert "150 TFLOP per GPU" in mfu.text  # where the throughput was read
    assert "mfu" not in {a["quantity"] for a in fp.assumptions}


def test_tokens_from_batch_size_and_steps():
    """GPT-NeoX-20B's card: a batch of ~3.15M tokens for 150,000 steps is 472.5B tokens
    (derived, approximate); 6ND with its 20,554,567,680 parameters is 5.83e22 FLOP."""
    d = extract_text("# TestNeo-20B\n\n- Parameters: 20,554,567,680\n\nTestNeo-20B was trained "
                     "with a batch size of approximately 3.15M tokens (1538 sequences of 2048 "
                     "tokens each), for a total of 150,000 steps.\n")
    (t,) = _model(d).get("n_tokens")
    assert t.value == pytest.approx(472.5e9) and t.status == "derived"
    (fp,) = reconstruct(d, samples=200)
    assert fp.meters["training_compute_6nd"].value == pytest.approx(5.827e22, rel=1e-3)


def test_next_generation_chips_are_still_the_training_hardware():
    d = extract_text("# Testmodel-7B\n\nTestmodel-7B was trained on 512 next-generation H100 SXM5 "
                     "GPUs for 10 days.\n")
    assert _model(d).accelerator == "nvidia-h100-sxm5-80gb"
