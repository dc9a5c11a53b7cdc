"""PDF reports -> pages of prose passages and tables, with pdfplumber.

Ruled tables are rare in papers; most cost tables are aligned text.  This module groups
pdfplumber's words into lines and cells by position, finds runs of lines whose cells are
mostly numbers (table rows), and gives each numeric column the header words above it that
overlap it horizontally.  Words are split with ``x_tolerance=1.5``, since many LaTeX PDFs
have no space characters and pdfplumber's default glues words ("GPUhours").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audit.errors import ExtractionError
from audit.extract.figures import is_numeric_cell
from audit.extract.markdown import Passage
from audit.extract.tables import Table

X_TOLERANCE = 1.5
CELL_GAP = 7.0  # points: a wider gap between words starts a new cell
LINE_TOL = 2.5  # points: words whose tops differ less are on one line
_CAPTION_RE = re.compile(r"^(Table\s*\d+)\s*[:|.]?", re.I)


@dataclass
class Cell:
    text: str
    x0: float
    x1: float


@dataclass
class Line:
    top: float
    bottom: float
    cells: list[Cell]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def _lines(words: list[dict]) -> list[Line]:
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    groups: list[list[dict]] = []
    for w in words:
        if groups and abs(groups[-1][0]["top"] - w["top"]) <= LINE_TOL:
            groups[-1].append(w)
        else:
            groups.append([w])
    lines = []
    for g in groups:
        g.sort(key=lambda w: w["x0"])
        cells: list[Cell] = []
        for w in g:
            if cells and w["x0"] - cells[-1].x1 < CELL_GAP:
                cells[-1].text += " " + w["text"]
                cells[-1].x1 = w["x1"]
            else:
                cells.append(Cell(w["text"], w["x0"], w["x1"]))
        lines.append(Line(min(w["top"] for w in g), max(w["bottom"] for w in g), cells))
    return lines


def _is_row(line: Line) -> bool:
    if len(line.cells) < 3:
        return False
    numeric = sum(is_numeric_cell(c.text) for c in line.cells[1:])
    return numeric >= 2 and len(line.cells[0].text) <= 60


def _table_from(rows: list[Line], above: list[Line], page_no: int, caption: str) -> Table:
    anchor = max(rows, key=lambda r: len(r.cells))
    cols = [(c.x0, c.x1) for c in anchor.cells]
    bounds = [cols[0][0] - 1e3]
    bounds += [(cols[k][1] + cols[k + 1][0]) / 2 for k in range(len(cols) - 1)]
    bounds.append(1e6)

    def col_of(x0: float, x1: float) -> int:
        mid = (x0 + x1) / 2
        for k in range(len(cols)):
            if bounds[k] <= mid < bounds[k + 1]:
                return k
        return len(cols) - 1

    header = [""] * len(cols)
    for line in above:
        for c in line.cells:
            # a header cell may span several columns: give it to each it overlaps
            hit = [k for k, (a, b) in enumerate(cols) if c.x0 < b + 2 and c.x1 > a - 2]
            for k in hit or [col_of(c.x0, c.x1)]:
                header[k] = (header[k] + " " + c.text).strip()
    body = []
    for r in rows:
        cells = [""] * len(cols)
        for c in r.cells:
            k = col_of(c.x0, c.x1)
            cells[k] = (cells[k] + " " + c.text).strip()
        body.append(cells)
    return Table(header=header, rows=body, page=page_no, locator=caption or "table")


def _page_tables(lines: list[Line], page_no: int) -> tuple[list[Table], set[int]]:
    tables, used = [], set()
    i = 0
    while i < len(lines):
        if not _is_row(lines[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and _is_row(lines[j + 1]) and (
                lines[j + 1].top - lines[j].bottom) < 20:
            j += 1
        rows = lines[i:j + 1]
        above: list[Line] = []
        k = i - 1
        while k >= 0 and len(above) < 5 and (
                (above[-1].top if above else rows[0].top) - lines[k].bottom) < 12:
            if len(lines[k].text) > 90 or _CAPTION_RE.match(lines[k].text):
                break
            above.insert(0, lines[k])
            k -= 1
        caption = ""
        for cand in lines[max(0, k - 1):k + 1] + lines[j + 1:j + 4]:
            m = _CAPTION_RE.match(cand.text)
            if m:
                caption = re.sub(r"\s+", " ", m.group(1))
                break
        tables.append(_table_from(rows, above, page_no, caption))
        used.update(range(i - len(above), j + 1))
        i = j + 1
    return tables, used


def read_pdf(path: Path, *, max_pages: int | None = None) -> tuple[list[Table], list[Passage]]:
    """Read a PDF's tables and prose.

    Parameters
    ----------
    path : pathlib.Path
        The PDF.
    max_pages : int, optional
        Read at most this many pages.

    Returns
    -------
    tables : list of Table
    passages : list of Passage
        One passage per page, the page's text without the lines read as table rows.

    Raises
    ------
    ExtractionError
        If the file is not a readable PDF, is encrypted, or has no text layer.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    with open(path, "rb") as fh:
        magic = fh.read(1024)
    if b"%PDF" not in magic:
        raise ExtractionError(f"{path}: not a PDF (no %PDF header); give a PDF or a .md card")
    tables: list[Table] = []
    passages: list[Passage] = []
    chars = 0
    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages[:max_pages] if max_pages else pdf.pages
            for page in pages:
                words = page.extract_words(x_tolerance=X_TOLERANCE)
                chars += sum(len(w["text"]) for w in words)
                lines = _lines(words)
                page_tables, used = _page_tables(lines, page.page_number)
                tables += page_tables
                text = "\n".join(ln.text for k, ln in enumerate(lines) if k not in used)
                passages.append(Passage(text, None, page.page_number))
                page.flush_cache()
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if exc.args else exc
        kind = "encrypted" if "password" in repr(cause).lower() else "unreadable"
        raise ExtractionError(f"{path}: {kind} PDF ({type(cause).__name__}); "
                              "give an unencrypted, complete PDF") from None
    if chars == 0:
        raise ExtractionError(f"{path}: no text layer (image-only PDF); run OCR first, e.g. "
                              "ocrmypdf, then audit the OCRed file")
    return tables, passages
