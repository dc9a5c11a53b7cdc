"""Model cards and READMEs (Markdown with pipe tables and HTML tables) -> tables and prose.

Pipe tables are split on unescaped ``|``; HTML ``<table>`` blocks are read with
``pandas.read_html`` (lxml), which copes with the rowspans and unclosed cells that real cards
contain.  Each table and each prose paragraph keeps the heading it sits under, which is the
card's locator (cards have no pages).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from audit.errors import ExtractionError
from audit.extract.tables import Table

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_HEADING_RE = re.compile(r"^\s*\*\*([^*]{2,60})\*\*\s*$")


@dataclass
class Passage:
    """A paragraph of prose with its heading (card) or page (PDF)."""

    text: str
    section: str | None = None
    page: int | None = None


def _heading_text(raw: str) -> str:
    return re.sub(r"[*_`]|<[^>]+>", "", raw).strip()


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def _html_tables(block: str, section: str | None, where: str) -> list[Table]:
    import pandas as pd

    try:
        frames = pd.read_html(io.StringIO(block), flavor="lxml", thousands=None,
                              keep_default_na=False, header=None)
    except (ValueError, ImportError) as exc:
        raise ExtractionError(f"{where}: an HTML table under {section!r} does not parse "
                              f"({exc}); check the card's <table> markup") from None
    tables = []
    for df in frames:
        rows = [[str(c) for c in r] for r in df.itertuples(index=False)]
        if len(rows) < 2:
            continue
        tables.append(Table(header=rows[0], rows=rows[1:], section=section,
                            locator=f"table under {section}" if section else "table"))
    return tables


def read_card(text: str, where: str = "card") -> tuple[list[Table], list[Passage], str | None]:
    """Split a Markdown card into tables and prose passages.

    Parameters
    ----------
    text : str
        The card's Markdown.
    where : str
        File name, for error messages.

    Returns
    -------
    tables : list of Table
    passages : list of Passage
    title : str or None
        The first level-1 heading, if any.

    Raises
    ------
    ExtractionError
        If an HTML table cannot be parsed.
    """
    tables: list[Table] = []
    passages: list[Passage] = []
    title = None
    section: str | None = None
    para: list[str] = []
    lines = text.splitlines()
    # YAML front matter is metadata, not prose: keep it as its own passage
    i = 0
    if lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is not None:
            passages.append(Passage("\n".join(lines[1:end]), "front matter"))
            i = end + 1

    def flush() -> None:
        if para:
            passages.append(Passage(" ".join(para), section))
            para.clear()

    while i < len(lines):
        line = lines[i]
        h = _HEADING_RE.match(line)
        if h:
            flush()
            section = _heading_text(h.group(2))
            if title is None and len(h.group(1)) == 1:
                title = section
            i += 1
            continue
        if re.match(r"\s*<table", line, re.I):
            flush()
            j = i
            while j < len(lines) and not re.search(r"</table>", lines[j], re.I):
                j += 1
            tables += _html_tables("\n".join(lines[i:j + 1]), section, where)
            i = j + 1
            continue
        if line.strip().startswith("|") and i + 1 < len(lines) and re.match(
                r"^\s*\|?\s*:?-{2,}", lines[i + 1]):
            flush()
            header = _split_pipe_row(line)
            j = i + 2
            rows = []
            while j < len(lines) and lines[j].strip().startswith("|"):
                rows.append(_split_pipe_row(lines[j]))
                j += 1
            tables.append(Table(header=header, rows=rows, section=section,
                                locator=f"table under {section}" if section else "table"))
            i = j
            continue
        if not line.strip():
            flush()
        else:
            b = _BOLD_HEADING_RE.match(line)
            if b and not para:
                section_sub = b.group(1).strip()
                passages.append(Passage(section_sub, section))
            else:
                para.append(line.strip())
        i += 1
    flush()
    return tables, passages, title
