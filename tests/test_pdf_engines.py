"""The two word sources of a PDF (issue 8): PDFium (fast, the default) and pdfplumber (the
reference) must give the same lines, tables and figures.

The PDFs are made here by ``positioned_pdf``: Helvetica text drawn at given places and sizes,
so that a table's columns, a superscript exponent, a subscript, a hyphen at a line end and a
rotated margin stamp are each on the page as a typesetter would put them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfgen import assemble, escape

from audit.extract import extract
from audit.extract.pdf import ENGINES, read_pdf, scan_pages


def positioned_pdf(pages: list[list[tuple]]) -> bytes:
    """A PDF whose pages hold text runs ``(x, y, size, text)`` or ``(x, y, size, text,
    "rot")`` (rotated 90 degrees), y measured up from the bottom of a 612 x 792 pt page."""
    streams = []
    for runs in pages:
        ops = []
        for x, y, size, text, *rot in runs:
            matrix = f"0 1 -1 0 {x} {y}" if rot else f"1 0 0 1 {x} {y}"
            ops.append(f"BT /F1 {size} Tf {matrix} Tm ({escape(text)}) Tj ET")
        streams.append("\n".join(ops).encode("latin-1"))
    return assemble(streams)


def _table_page() -> list[tuple]:
    """A cost table as papers print it: aligned columns, a two-line header whose unit has a
    subscript 2, three model rows; a caption; prose with a raised exponent and a hyphen at
    a line end; an arXiv stamp rotated in the margin."""
    runs = [(72, 740, 16, "Testmodel: a report"),
            (20, 300, 9, "arXiv:2401.00001v1 [cs.CL] 1 Jan 2024", "rot"),
            (72, 690, 10, "Table 4: Training cost of the Testmodel family."),
            (72, 670, 10, "Model"), (170, 670, 10, "GPU-hours"), (260, 670, 10, "Power"),
            (330, 670, 10, "Carbon emitted"),
            (330, 658, 10, "(tCO"), (351.2, 655.5, 7, "2"), (355.1, 658, 10, "eq)")]
    rows = [("Testmodel-7B", "82,432", "400W", "14"), ("Testmodel-13B", "135,168", "400W", "23"),
            ("Testmodel-65B", "1,022,362", "400W", "173")]
    for k, (name, hours, power, carbon) in enumerate(rows):
        y = 640 - 14 * k
        runs += [(72, y, 10, name), (170, y, 10, hours), (260, y, 10, power), (330, y, 10, carbon)]
    # the exponent starts where "10" ends (two Helvetica digits: 2 x 0.556 x 10 pt)
    runs += [(72, 560, 10, "Training the largest model took 6.3 \u00d7"), (240, 560, 10, "10"),
             (251.12, 564, 7, "23"), (262, 560, 10, "FLOP in total on 2,048 A100 GPUs."),
             (72, 546, 10, "The models were trained on 1.4T to-"),
             (72, 532, 10, "kens of public data.")]
    return runs


@pytest.fixture(scope="module")
def table_pdf(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("engines") / "testmodel.pdf"
    p.write_bytes(positioned_pdf([_table_page()]))
    return p


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_reads_table_scripts_hyphen_and_drops_rotated_text(table_pdf, engine):
    tables, passages, title = read_pdf(table_pdf, engine=engine)
    assert title == "Testmodel: a report"
    (t,) = tables
    assert t.locator == "Table 4"
    assert t.header == ["Model", "GPU-hours", "Power", "Carbon emitted (tCO2eq)"]
    assert t.rows[2] == ["Testmodel-65B", "1,022,362", "400W", "173"]
    text = passages[0].text
    assert "6.3 \u00d7 10^23 FLOP" in text  # the raised exponent is marked, never "1023"
    assert "1.4T to-\nkens" in text  # the line-end hyphen is kept
    assert "arXiv" not in text  # the rotated stamp is dropped


def test_engines_give_the_same_record(table_pdf):
    by_engine = {}
    for engine in ENGINES:
        d = extract(table_pdf, engine=engine, use_cache=False).to_dict()
        by_engine[engine] = d
    assert by_engine["pdfium"] == by_engine["pdfplumber"]
    models = {m["name"]: m for m in by_engine["pdfium"]["models"]}
    hours = {f["value"] for f in models["Testmodel-65B"]["figures"]
             if f["field"] == "accelerator_hours"}
    assert hours == {1_022_362}


def test_unknown_engine_is_refused(table_pdf):
    with pytest.raises(ValueError, match="pdfium, pdfplumber"):
        read_pdf(table_pdf, engine="pdftotext")


def test_cli_engines_match_the_library():
    from audit.cli import PDF_ENGINES

    assert PDF_ENGINES == ENGINES


def test_prescan_skips_pages_without_disclosure_words(tmp_path):
    p = tmp_path / "three.pdf"
    p.write_bytes(positioned_pdf([
        [(72, 700, 12, "Title page")],
        [(72, 700, 10, "Related work on attention and tokenizers.")],
        [(72, 700, 10, "We used 512 H100 GPUs for 30 days.")]]))
    assert scan_pages(p) == ([1, 3], 3, 10 + 41 + 34)  # characters of the three pages
    _, passages, _ = read_pdf(p)
    assert [ps.page for ps in passages] == [1, 3]
    _, passages, _ = read_pdf(p, prescan=False)
    assert [ps.page for ps in passages] == [1, 2, 3]


@pytest.mark.parametrize("name", ["llama1-paper.pdf", "gemma3-report.pdf"])
def test_engines_agree_on_corpus_reports(corpus, name):
    """LLaMA: Table 15 (subscript 2 of tCO2eq), two columns; Gemma 3: hyphens at line ends
    inside the token sentence, tables side by side.  Every figure, warning and matched text
    is the same whichever engine read the words."""
    path = corpus / "pdf" / name
    a = extract(path, engine="pdfium", use_cache=False).to_dict()
    b = extract(path, engine="pdfplumber", use_cache=False).to_dict()
    assert a == b
