"""PDF reports -> pages of prose passages and tables, in reading order.

Ruled tables are rare in papers; most cost tables are aligned text.  This module rebuilds
what a reader sees from word positions:

0. **Pages and words.**  A pre-scan of each page's plain text (PDFium, through pypdfium2)
   keeps the pages that can hold a disclosure (:func:`scan_pages`); only those get the
   layout work below.  Their words come from PDFium's character boxes, grouped as
   pdfplumber groups them (:func:`pdfium_words`), or, with ``engine="pdfplumber"``, from
   pdfplumber's ``extract_words`` (:func:`pdfplumber_words`): the reference, same records
   on the corpus, 5-8 times slower in all (pdfminer parses the page in Python).
1. **Words.**  Rotated text (the arXiv stamp in the margin) is dropped.  Words are read with
   their font size, so that a sub- or superscript printed in a smaller font is glued back
   to the word it belongs to: the ``2`` of ``tCO2eq`` that the text layer puts on a line of
   its own, and the exponent of ``8.35 × 10^23`` (written ``10^23``, never ``1023``).
   Words are split with ``x_tolerance=1.5``, since many LaTeX PDFs have no space characters
   and pdfplumber's default glues words ("GPUhours").
2. **Lines and cells.**  Words whose tops differ by less than :data:`LINE_TOL` form a line;
   a gap wider than :data:`CELL_GAP` starts a new cell.
3. **Columns.**  A two-column page has a *gutter*: a vertical band near the middle of the
   page that almost no line crosses.  A line with prose on either side of the gutter is cut
   in two, and the page is read region by region (a full-width line - a title, a wide
   caption, a wide table row - ends a region): the left column of a region, then its right
   column.  Lines with numbers on both sides are one row of a wide table, unless the rows
   on either side do not line up (a table in each column, e.g. Gemma 3's Tables 2 and 3):
   then each side is its own table.
4. **Tables.**  A run of lines in one column whose cells are mostly numbers is a table;
   header words above it are given, word by word, to the column they sit over, and its
   ``Table N`` caption (above or below, same column) becomes its locator.

Everything else is prose: one :class:`~audit.extract.markdown.Passage` per page and column
region, with the page number.  Each table and passage carries an ``order`` index, the
reading order of the document.
"""

from __future__ import annotations

import bisect
import ctypes
import math
import re
import statistics
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from audit.errors import ExtractionError
from audit.extract.figures import is_numeric_cell
from audit.extract.markdown import Passage
from audit.extract.tables import Table

X_TOLERANCE = 1.5
CELL_GAP = 7.0  # points: a wider gap between words starts a new cell
LINE_TOL = 2.5  # points: words whose tops differ less are on one line
SCRIPT_RATIO = 0.85  # a word this much smaller than its neighbour is a sub/superscript
_CAPTION_RE = re.compile(r"^(Table\s*\d+)\s*[:|.]?", re.I)


@dataclass
class Word:
    """One word with its box and font size [pt]."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Cell:
    """Words of one line closer than :data:`CELL_GAP` to each other."""

    text: str
    x0: float
    x1: float


@dataclass
class Line:
    """Words on one baseline, optionally one column's part of it (``col`` L, R or F)."""

    words: list[Word]
    col: str = "F"
    cells: list[Cell] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w.x0)
        self.cells = []
        for w in self.words:
            if self.cells and w.x0 - self.cells[-1].x1 < CELL_GAP:
                self.cells[-1].text += " " + w.text
                self.cells[-1].x1 = w.x1
            else:
                self.cells.append(Cell(w.text, w.x0, w.x1))

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


# --------------------------------------------------------------------------------------------
# Words: drop rotated text, glue sub- and superscripts
# --------------------------------------------------------------------------------------------
def _glue_scripts(words: list[Word]) -> list[Word]:
    """Glue words of different sizes that touch horizontally and overlap vertically (split
    only by the font-size change: ``tCO`` + ``2`` + ``eq``, ``M`` + ``ODEL`` in small caps),
    marking a raised smaller number as a superscript (``10`` + ``23`` -> ``10^23``)."""
    words = sorted(words, key=lambda w: w.x0)
    by_band: dict[int, list[int]] = {}  # 10 pt bands of the page: words, by x0
    for i, w in enumerate(words):
        for b in range(int(w.top // 10) - 1, int(w.bottom // 10) + 2):
            by_band.setdefault(b, []).append(i)
    band_x0 = {b: [words[j].x0 for j in js] for b, js in by_band.items()}
    nxt: dict[int, int] = {}
    has_prev: set[int] = set()
    for i, w in enumerate(words):
        best = None
        band = int(w.top // 10)
        js, xs = by_band.get(band, []), band_x0.get(band, [])
        for k in range(bisect.bisect_left(xs, w.x1 - 0.5), len(xs)):
            if xs[k] > w.x1 + X_TOLERANCE:
                break
            j, v = js[k], words[js[k]]
            if j == i or j in has_prev:
                continue
            if min(w.bottom, v.bottom) - max(w.top, v.top) <= 0:
                continue
            if abs(w.size - v.size) < 0.1:
                continue  # same size: pdfplumber split them at a space, they are two words
            small = min(w.size, v.size) < SCRIPT_RATIO * max(w.size, v.size)
            if not small and abs(w.top - v.top) > LINE_TOL:
                continue
            if best is None or v.x0 < words[best].x0:
                best = j
        if best is not None:
            nxt[i] = best
            has_prev.add(best)
    out: list[Word] = []
    for i, w in enumerate(words):
        if i in has_prev:
            continue
        chain = [w]
        k = i
        while k in nxt:
            k = nxt[k]
            chain.append(words[k])
        base = max(chain, key=lambda c: c.size)
        text = chain[0].text
        for prev, cur in zip(chain, chain[1:], strict=False):
            sup = (cur.size < SCRIPT_RATIO * prev.size and cur.bottom < prev.bottom - 1.5
                   and re.fullmatch(r"[-−–]?\d{1,3}", cur.text) is not None)
            text += ("^" if sup else "") + cur.text
        out.append(Word(text, chain[0].x0, chain[-1].x1, base.top, base.bottom, base.size))
    return out


def _lines(words: list[Word]) -> list[Line]:
    words = sorted(words, key=lambda w: (round(w.top), w.x0))
    groups: list[list[Word]] = []
    for w in words:
        if groups and abs(groups[-1][0].top - w.top) <= LINE_TOL:
            groups[-1].append(w)
        else:
            groups.append([w])
    return [Line(g) for g in groups]


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------
def _prose_like(words: list[Word], width: float) -> bool:
    """A column's part of a line that reads as running text, not as table cells."""
    if len(words) < 3 or width <= 0:
        return False
    alpha = sum(bool(re.search(r"[A-Za-z]{2,}", w.text)) for w in words)
    ws = sorted(words, key=lambda w: w.x0)
    extent = ws[-1].x1 - ws[0].x0
    gap = statistics.median(b.x0 - a.x1 for a, b in zip(ws, ws[1:], strict=False))
    return alpha >= 0.6 * len(words) and extent >= 0.75 * width and gap <= 5.0


def _gutter(lines: list[Line], page_width: float) -> tuple[float, float, float] | None:
    """The gutter of a two-column page as (x, left column width, right column width)."""
    if len(lines) < 10:
        return None
    lo, hi = int(0.4 * page_width), int(0.6 * page_width)
    crossings = dict.fromkeys(range(lo, hi), 0)  # lines with a word across x
    for ln in lines:
        covered: set[int] = set()
        for w in ln.words:  # the integers x with x0 < x < x1
            covered.update(range(max(lo, math.floor(w.x0) + 1), min(hi, math.ceil(w.x1))))
        for x in covered:
            crossings[x] += 1
    best = min(crossings.values())
    if best > 0.2 * len(lines):
        return None
    xs = [x for x, c in crossings.items() if c == best]
    run = max(_runs(xs), key=len)
    g = (run[0] + run[-1]) / 2
    left0 = min(w.x0 for ln in lines for w in ln.words)
    right1 = max(w.x1 for ln in lines for w in ln.words)
    wl, wr = g - left0, right1 - g
    both = sum(1 for ln in lines
               if _prose_like([w for w in ln.words if w.x1 <= g], wl)
               and _prose_like([w for w in ln.words if w.x0 >= g], wr))
    if both < 3:
        return None
    return g, wl, wr


def _runs(xs: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for x in xs:
        if runs and x == runs[-1][-1] + 1:
            runs[-1].append(x)
        else:
            runs.append([x])
    return runs


def _assign_columns(lines: list[Line], gutter: tuple[float, float, float] | None) -> list[Line]:
    """Cut lines at the gutter and return them in reading order, each with its column."""
    if gutter is None:
        return lines
    g, wl, wr = gutter
    kinds: list[tuple[str, list[Word], list[Word]]] = []
    for ln in lines:
        left = [w for w in ln.words if w.x1 <= g]
        right = [w for w in ln.words if w.x0 >= g]
        if len(left) + len(right) < len(ln.words):
            kinds.append(("F", ln.words, []))
        elif not right:
            kinds.append(("L", left, []))
        elif not left:
            kinds.append(("R", right, []))
        elif _prose_like(left, wl) or _prose_like(right, wr):
            kinds.append(("S", left, right))
        else:
            kinds.append(("T", left, right))  # numbers on both sides: wide row or two tables
    _resolve_table_zones(kinds)
    out: list[Line] = []
    region: dict[str, list[Line]] = {"L": [], "R": []}

    def flush() -> None:
        out.extend(region["L"] + region["R"])
        region["L"], region["R"] = [], []

    for kind, left, right in kinds:
        if kind == "F":
            flush()
            out.append(Line(list(left), "F"))
        elif kind in ("L", "R"):
            region[kind].append(Line(list(left), kind))
        else:  # "S": split
            region["L"].append(Line(list(left), "L"))
            region["R"].append(Line(list(right), "R"))
    flush()
    return out


def _resolve_table_zones(kinds: list[tuple[str, list[Word], list[Word]]]) -> None:
    """Decide, per run of two-sided table lines, between one wide table and two tables."""
    i = 0
    while i < len(kinds):
        if kinds[i][0] != "T":
            i += 1
            continue
        j = i
        while j + 1 < len(kinds) and kinds[j + 1][0] in ("T", "L", "R"):
            j += 1
        extended = kinds[i:j + 1]
        while kinds[j][0] != "T":
            j -= 1
        zone = kinds[i:j + 1]
        # rows of one side only, inside the zone or right after it: two tables side by side
        one_sided = any(k in ("L", "R") and len(a) >= 3 for k, a, _ in extended)
        caption = any(_CAPTION_RE.match(" ".join(w.text for w in side))
                      for _, a, b in zone for side in (a, b) if side)
        split = one_sided or caption
        for k in range(i, j + 1):
            kind, left, right = kinds[k]
            if kind == "T":
                kinds[k] = ("S", left, right) if split else ("F", left + right, [])
        i = j + 1


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------
_SIZE_CELL = re.compile(r"^\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?[BM](?:-A?\d+(?:\.\d+)?[BM])?$")


def _is_row(line: Line) -> bool:
    if len(line.cells) < 3:
        return False
    if all(_SIZE_CELL.match(c.text) for c in line.cells[1:]):
        return False  # "2B 8B 1B-A400M": model sizes heading the columns
    numeric = sum(is_numeric_cell(c.text) for c in line.cells[1:])
    return numeric >= 2 and len(line.cells[0].text) <= 60


def _aligned(line: Line, cols: list[tuple[float, float]]) -> bool:
    """A text line inside a table: three or more cells, each over one of the columns."""
    if len(line.cells) < 3 or len(line.text) > 120:
        return False
    hits = sum(any(c.x0 < b + 2 and c.x1 > a - 2 for a, b in cols) for c in line.cells)
    return hits == len(line.cells)


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
    lead: list[list[str]] = []
    for line in list(above):
        ks = {col_of(c.x0, c.x1) for c in line.cells}
        dashes = any(c.text.strip() in ("-", "–", "—", "N/A", "n/a") for c in line.cells[1:])
        if 0 in ks and dashes and len(ks) >= max(3, (len(cols) + 1) // 2) and len(
                line.cells) == len(ks):
            cells = [""] * len(cols)  # "Architecture | - | MoE ...": a row, not a heading
            for c in line.cells:
                cells[col_of(c.x0, c.x1)] = c.text
            lead.append(cells)
            above.remove(line)
    for line in above:
        for c in line.cells:
            # a header cell may span several columns ("GPU power consumption"); its words
            # go to the columns they sit over, a word between columns to each it overlaps
            hit = [k for k, (a, b) in enumerate(cols) if c.x0 < b + 2 and c.x1 > a - 2]
            if len(hit) <= 1:
                for k in hit or [col_of(c.x0, c.x1)]:
                    header[k] = (header[k] + " " + c.text).strip()
                continue
            for w in (w for w in line.words if c.x0 <= w.x0 and w.x1 <= c.x1):
                k = col_of(w.x0, w.x1)
                header[k] = (header[k] + " " + w.text).strip()
    body = list(lead)
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
        cols = [(c.x0, c.x1) for c in lines[i].cells]
        while j + 1 < len(lines) and lines[j + 1].col == lines[j].col and (
                -15 < lines[j + 1].top - lines[j].bottom < 20) and (
                _is_row(lines[j + 1]) or _aligned(lines[j + 1], cols)):
            j += 1
            if len(lines[j].cells) > len(cols):
                cols = [(c.x0, c.x1) for c in lines[j].cells]
        while j > i and not _is_row(lines[j]):
            j -= 1
        rows = lines[i:j + 1]
        above: list[Line] = []
        k = i - 1
        while k >= 0 and len(above) < 5 and lines[k].col == lines[i].col and (
                -15 < (above[0].top if above else rows[0].top) - lines[k].bottom < 12):
            if len(lines[k].text) > 90 or _CAPTION_RE.match(lines[k].text):
                break
            above.insert(0, lines[k])
            k -= 1
        caption = ""
        near = [ln for ln in lines[max(0, k - 1):k + 1] + lines[j + 1:j + 4]
                if ln.col == lines[i].col]
        for cand in near:
            m = _CAPTION_RE.match(cand.text)
            if m:
                caption = re.sub(r"\s+", " ", m.group(1))
                break
        tables.append(_table_from(rows, above, page_no, caption))
        tables[-1].order = i
        used.update(range(i - len(above), j + 1))
        i = j + 1
    return tables, used


def page_lines(words: list[Word], page_width: float) -> list[Line]:
    """The lines of one page in reading order (columns resolved).

    Parameters
    ----------
    words : list of Word
        The page's words, from :func:`pdfium_words` or :func:`pdfplumber_words`.
    page_width : float
        Page width [pt].

    Returns
    -------
    list of Line
        Lines top to bottom, a two-column region's left column before its right column.
    """
    lines = _lines(_glue_scripts(words))
    return _assign_columns(lines, _gutter(lines, page_width))


# --------------------------------------------------------------------------------------------
# Word sources
# --------------------------------------------------------------------------------------------
#: code points that end a word: spaces (PDFium's own and the file's) and line breaks
_BREAKS = (0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x2002, 0x2003, 0x2009, 0x200B)
_HYPHEN_MARKS = (0x02, 0xFFFE)  # PDFium's hyphen at a line end (0x02; 0xFFFE in its text)


@cache
def _box_reader():  # noqa: ANN202 - a ctypes function
    """``FPDFText_GetLooseCharBox`` taking plain addresses, so that one call writes each
    character's box into its slot of one array (no ctypes object per character); made once
    per process."""
    import pypdfium2.raw as pdfium_c

    fn = pdfium_c.FPDFText_GetLooseCharBox
    raw_fn = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)  # same calling convention
    raw_fn.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    raw_fn.restype = ctypes.c_int
    return raw_fn


def pdfium_words(textpage, page_height: float, text: str | None = None  # noqa: ANN001
                 ) -> list[Word]:
    """Words of one page from PDFium's text layer (pypdfium2), as pdfplumber would give them.

    PDFium parses the page in C, 10-30 times faster than pdfminer's Python parser, and keeps
    what the layout code needs: each character's box and font size [pt].  Characters are
    grouped as pdfplumber's ``extract_words`` groups them (lines of tops within 3 pt, each
    sorted by x; a new word at a space, at a horizontal gap wider than :data:`X_TOLERANCE`
    from the previous character, or at a size change), with PDFium's own spaces (inserted
    where the glyph advances leave a word gap) as word breaks too.  A character's bottom is
    PDFium's loose box bottom (baseline plus font descent) and its top is bottom minus font
    size, as in pdfminer.  Rotated characters are dropped; PDFium's mark for a hyphen at a
    line end is read as ``-``.

    Parameters
    ----------
    textpage : pypdfium2.PdfTextPage
        The page's text layer.
    page_height : float
        Page height [pt], to turn PDF y (up) into distance from the top (down).
    text : str, optional
        ``textpage.get_text_range()``, when already read.

    Returns
    -------
    list of Word
    """
    import numpy as np
    import pypdfium2.raw as pdfium_c

    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    # PDFium keeps UTF-16 code units, one per character index (a surrogate pair takes two)
    codes = np.frombuffer((text or "").encode("utf-16-le", "surrogatepass"), dtype=np.uint16
                          ).astype(np.uint32)
    if codes.size != n:  # no text given, or not one unit per index: ask one by one
        codes = np.array([pdfium_c.FPDFText_GetUnicode(tp, i) for i in range(n)], np.uint32)
    low = (codes >= 0xDC00) & (codes < 0xE000)
    high = np.flatnonzero((codes >= 0xD800) & (codes < 0xDC00))
    pair = high[(high + 1 < n)]
    pair = pair[low[pair + 1]]
    codes[pair] = 0x10000 + ((codes[pair] - 0xD800) << 10) + (codes[pair + 1] - 0xDC00)
    codes[pair + 1] = 0  # the low half of a pair: dropped below
    codes[(codes >= 0xD800) & (codes < 0xE000) & (codes != 0)] = 0xFFFD
    codes[np.isin(codes, _HYPHEN_MARKS)] = ord("-")
    is_break = np.isin(codes, _BREAKS)
    keep = np.flatnonzero(~is_break & (codes >= 0x20) & (codes != 0xFFFF))
    if keep.size == 0:
        return []
    breaks = np.cumsum(is_break)  # a break between two kept characters: a word gap
    gap = np.diff(breaks[keep], prepend=0) > 0
    rects = (ctypes.c_float * (4 * n))()  # FS_RECTF: left, top, right, bottom
    read_box, handle, base = _box_reader(), ctypes.cast(tp, ctypes.c_void_p).value, \
        ctypes.addressof(rects)
    for i in keep.tolist():
        read_box(handle, i, base + 16 * i)
    box = np.frombuffer(rects, dtype=np.float32).reshape(n, 4)[keep].astype(float)
    left, right, y0 = box[:, 0], box[:, 2], box[:, 3]
    height = box[:, 1] - box[:, 3]
    # font size and rotation: asked again where the baseline or the font changes
    new = np.ones(keep.size, bool)
    new[1:] = (np.abs(np.diff(y0)) > 0.01) | (np.abs(np.diff(height)) > 0.02 * height[1:])
    at = np.flatnonzero(new)
    size_at = np.array([pdfium_c.FPDFText_GetFontSize(tp, int(keep[k])) for k in at])
    angle_at = np.array([pdfium_c.FPDFText_GetCharAngle(tp, int(keep[k])) for k in at])
    run = np.cumsum(new) - 1
    size = size_at[run]
    upright = ((angle_at < 0) | (np.abs(np.sin(angle_at)) < 0.01))[run]
    bottom = page_height - y0
    top = bottom - size
    ch = codes[keep]
    sel = np.flatnonzero(upright)
    # pdfplumber's order: lines of tops within 3 pt of the previous top, each sorted by x
    o = sel[np.lexsort((gap[sel], ch[sel], size[sel], bottom[sel], right[sel], left[sel],
                        top[sel]))]
    line = np.concatenate(([0], np.cumsum(np.diff(top[o]) > 3.0)))
    o = o[np.lexsort((np.arange(o.size), left[o], line))]
    line = np.sort(line)
    x0, x1, t, b, sz = left[o], right[o], top[o], bottom[o], size[o]
    start = np.ones(o.size, bool)
    start[1:] = ((line[1:] != line[:-1]) | gap[o][1:] | (np.abs(sz[1:] - sz[:-1]) >= 0.01)
                 | (x0[1:] < x0[:-1] - X_TOLERANCE) | (x0[1:] > x1[:-1] + X_TOLERANCE)
                 | (np.abs(t[1:] - t[:-1]) > 3.0))
    first = np.flatnonzero(start)
    chars = ch[o].astype("<u4").tobytes().decode("utf-32-le")
    ends = np.append(first[1:], o.size).tolist()
    wx0, wx1 = np.minimum.reduceat(x0, first), np.maximum.reduceat(x1, first)
    wt, wb = np.minimum.reduceat(t, first), np.maximum.reduceat(b, first)
    return [Word(chars[a:e], *vals) for a, e, *vals in
            zip(first.tolist(), ends, wx0.tolist(), wx1.tolist(), wt.tolist(), wb.tolist(),
                sz[first].tolist(), strict=True)]


def pdfplumber_words(page) -> list[Word]:  # noqa: ANN001 - pdfplumber.Page
    """Words of one pdfplumber page (``extract_words``, x tolerance :data:`X_TOLERANCE`),
    rotated text dropped: the reference word source (``engine="pdfplumber"``)."""
    raw = page.extract_words(x_tolerance=X_TOLERANCE, extra_attrs=["size"])
    return [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w.get("size") or 0.0)
            for w in raw if w.get("upright", True)]


def _title(lines: list[Line], page_height: float) -> str | None:
    """The largest type in the top half of page one (the report's title)."""
    words = [w for ln in lines for w in ln.words]
    if not words:
        return None
    body = statistics.median(w.size for w in words)
    top = [ln for ln in lines if ln.top < 0.5 * page_height]
    if not top:
        return None
    biggest = max(max(w.size for w in ln.words) for ln in top)
    if biggest < 1.15 * body:
        return None
    title = [ln.text for ln in top if max(w.size for w in ln.words) >= biggest - 0.5]
    return " ".join(title)[:200] or None


# A page whose plain text matches none of these holds no figure this project extracts: no
# accelerator, energy, carbon, FLOP or money word, and no size-suffixed token or parameter
# count.  Only matching pages (and page 1, for the title) get the layout work.
_DISCLOSURE_RE = re.compile(
    r"gpu|tpu|chips?\b|accelerator|kwh|mwh|gwh|co\s*2|carbon|emission|\bpue\b|flops?\b|"
    r"\$\s?\d|usd|h100|a100|h800|v100|a800|mi\d{3}x?\b|"
    r"\d\s?(?:[KMBT]|billion|trillion|million)\b[^.\n]{0,25}?(?:tokens|param)|"
    r"(?:tokens|param\w*)[^.\n]{0,25}?\d\s?(?:[KMBT]|billion|trillion)\b", re.I)


ENGINES = ("pdfium", "pdfplumber")


def _open_pdfium(path: Path):  # noqa: ANN202 - pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        kind = "encrypted" if "password" in str(exc).lower() else "unreadable"
        raise ExtractionError(f"{path}: {kind} PDF ({exc}); give an unencrypted, complete "
                              "PDF") from None


def page_count(path: Path) -> int:
    """Number of pages of a PDF (PDFium reads only the page tree).

    Raises
    ------
    ExtractionError
        If PDFium cannot open the file (corrupt, truncated, encrypted).
    """
    pdf = _open_pdfium(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _pages(path: Path, max_pages: int | None):  # noqa: ANN202 - generator
    """Yield ``(number, page, textpage, text)`` for each page, closing each after use.

    Raises
    ------
    ExtractionError
        If PDFium cannot open the file or one of its pages.
    """
    import pypdfium2 as pdfium

    pdf = _open_pdfium(path)
    try:
        n = len(pdf) if not max_pages else min(len(pdf), max_pages)
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                yield i + 1, page, textpage, textpage.get_text_range()
            finally:
                textpage.close()
                page.close()
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"{path}: unreadable PDF page ({exc}); give a complete PDF"
                              ) from None
    finally:
        pdf.close()


def _worth_reading(number: int, text: str) -> bool:
    return number == 1 or _DISCLOSURE_RE.search(text) is not None


def scan_pages(path: Path, *, max_pages: int | None = None) -> tuple[list[int], int, int]:
    """Cheap pre-scan with pypdfium2's text layer: which pages may hold a disclosure.

    Parameters
    ----------
    path : pathlib.Path
        The PDF.
    max_pages : int, optional
        Scan at most this many pages.

    Returns
    -------
    pages : list of int
        1-based numbers of the pages worth the layout analysis (page 1 always).
    n_pages : int
        Pages scanned.
    n_chars : int
        Characters of text on the scanned pages (0: no text layer).

    Raises
    ------
    ExtractionError
        If pdfium cannot open the file (corrupt, truncated, encrypted).
    """
    keep, n, chars = [], 0, 0
    for number, _page, _textpage, text in _pages(path, max_pages):
        n, chars = number, chars + len(text.strip())
        if _worth_reading(number, text):
            keep.append(number)
    return keep, n, chars


def read_pdf(path: Path, *, max_pages: int | None = None, prescan: bool = True,
             engine: str = "pdfium") -> tuple[list[Table], list[Passage], str | None]:
    """Read a PDF's tables and prose.

    Parameters
    ----------
    path : pathlib.Path
        The PDF.
    max_pages : int, optional
        Read at most this many pages.
    prescan : bool
        Give the layout analysis only to the pages whose text holds disclosure words (page
        1 always; see :func:`scan_pages`).  False reads every page.
    engine : {"pdfium", "pdfplumber"}
        Where the words come from: PDFium's text layer through pypdfium2 (the default:
        :func:`pdfium_words`), or pdfplumber's ``extract_words``, the slower reference.

    Returns
    -------
    tables : list of Table
    passages : list of Passage
        One passage per page read, the page's text in reading order without the lines read
        as table rows; tables and passages carry their reading order in ``order``.
    title : str or None
        The largest type in the top half of page one.

    Raises
    ------
    ExtractionError
        If the file is not a readable PDF, is encrypted, or has no text layer.
    ValueError
        If ``engine`` is not one of :data:`ENGINES`.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    with open(path, "rb") as fh:
        magic = fh.read(1024)
    if b"%PDF" not in magic:
        raise ExtractionError(f"{path}: not a PDF (no %PDF header); give a PDF or a .md card")
    out = _Read()
    wanted, chars = [], 0
    for number, page, textpage, text in _pages(path, max_pages):
        chars += len(text.strip())
        if prescan and not _worth_reading(number, text):
            continue
        if engine == "pdfplumber":
            wanted.append(number)
            continue
        height = page.get_height()
        out.add(number, pdfium_words(textpage, height, text), page.get_width(), height)
    if chars == 0:
        raise ExtractionError(f"{path}: no text layer (image-only PDF); run OCR first, e.g. "
                              "ocrmypdf, then audit the OCRed file")
    if wanted:
        _read_pdfplumber(path, wanted, out)
    return out.tables, out.passages, out.title


@dataclass
class _Read:
    """What the pages read so far gave."""

    tables: list[Table] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    title: str | None = None

    def add(self, number: int, words: list[Word], width: float, height: float) -> None:
        lines = page_lines(words, width)
        if number == 1:
            self.title = _title(lines, height)
        page_tables, used = _page_tables(lines, number)
        base = number * 1000
        for t in page_tables:
            t.order += base
        self.tables += page_tables
        text = "\n".join(ln.text for k, ln in enumerate(lines) if k not in used)
        self.passages.append(Passage(text, None, number, order=base))


def _read_pdfplumber(path: Path, numbers: list[int], out: _Read) -> None:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            for number in numbers:
                page = pdf.pages[number - 1]
                out.add(number, pdfplumber_words(page), float(page.width), float(page.height))
                page.flush_cache()
    except (PdfminerException, MalformedPDFException, PSException, PDFSyntaxError,
            PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if exc.args else exc
        kind = "encrypted" if "password" in repr(cause).lower() else "unreadable"
        raise ExtractionError(f"{path}: {kind} PDF ({type(cause).__name__}); "
                              "give an unencrypted, complete PDF") from None


__all__ = ["ENGINES", "Line", "Word", "page_count", "page_lines", "pdfium_words",
           "pdfplumber_words", "read_pdf", "scan_pages"]
