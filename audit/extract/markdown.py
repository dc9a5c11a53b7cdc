"""Model cards and READMEs (Markdown with pipe tables and HTML tables) -> tables and prose.

Pipe tables are split on unescaped ``|``; HTML ``<table>`` blocks are read with
``pandas.read_html`` (lxml), which copes with the rowspans and unclosed cells that real cards
contain (a rowspan cell is repeated in every row it spans).  A pipe-table row whose first
cell is empty continues the row above: its empty cells take the values above (the Markdown
spelling of a rowspan).  A run of list items written ``- **Label:** value`` is a key-value
table (a two-column table with no header).

Each table and each prose paragraph keeps its section: the path of headings it sits under
(``Training > Version 2.0``; the document title is left out once there is a heading below
it), which is the card's locator (cards have no pages), and its reading ``order``.  A line
made only of bold text (``**Stable Diffusion v1** **Estimated Emissions**``) is a
sub-heading: it is kept as the ``context`` of the tables that follow it in its section.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from audit.errors import ExtractionError
from audit.extract.figures import normalise_numbers
from audit.extract.tables import Table

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*[^*]{2,80}\*\*\s*)+$")
# Section names that are no title ("# Model Details" opens the Llama 2 card).
_GENERIC_HEADING = re.compile(r"^(?:model (?:details|information|card)|intended use|overview|"
                              r"introduction|abstract|hardware and software|training(?: data)?|"
                              r"table of contents|contents|summary)$", re.I)
_PIPE_RE = re.compile(r"(?<!\\)\|")
_KV_SEG_RE = re.compile(r"^([^:|]{1,60}?)\s*:\s*(\S.{0,80})$")
_KV_ITEM_RE = re.compile(r"^\s*[-*+]\s+\*\*(?P<label>[^*]{1,160}?)\s*:?\s*\*\*\s*:?\s*"
                         r"(?P<value>.{1,120})$")
# "- Hardware: A100-80GB", "* GPU hours: 20000": a plain list item that is a short label and a
# short value (no sentence: a bullet of prose stays prose)
_KV_PLAIN_RE = re.compile(r"^\s*[-*+]\s+(?P<label>[A-Za-z][\w ()/.-]{0,40}?)\s*:\s+"
                          r"(?P<value>[^:.;]{1,60}(?:\.\d[^:.;]{0,20})?)\.?\s*$")


_CARD_WORDS = re.compile(r"^(?:model\s*card\s*(?:for|of)?|about)\s*:?\s+|\s+model\s*card$", re.I)


def _kv_item(line: str) -> re.Match[str] | None:
    m = _KV_ITEM_RE.match(line)
    if m:
        return m
    m = _KV_PLAIN_RE.match(line)
    if m and len(m.group("label").split()) <= 5 and len(m.group("value").split()) <= 8:
        return m
    return None


@dataclass
class Passage:
    """A paragraph of prose with its heading path (card) or page (PDF), in reading order."""

    text: str
    section: str | None = None
    page: int | None = None
    order: int = 0


def heading_text(raw: str) -> str:
    """Heading or title text without Markdown/HTML markup (a link keeps its text).

    Examples
    --------
    >>> heading_text("[bigscience/bloom](https://huggingface.co/bigscience/bloom)")
    'bigscience/bloom'
    """
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    return re.sub(r"[*_`]|<[^>]+>", "", s).strip()


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def _continue_rows(rows: list[list[str]]) -> list[list[str]]:
    """A row with an empty first cell continues the row above (a Markdown rowspan)."""
    out: list[list[str]] = []
    for r in rows:
        if out and r and not r[0].strip() and any(c.strip() for c in r[1:]):
            above = out[-1]
            r = [c if c.strip() or k >= len(above) else above[k] for k, c in enumerate(r)]
        out.append(r)
    return out


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
        The first heading, if it is a level-1 heading and not a generic section name
        ("Model Details"), without markup.

    Raises
    ------
    ExtractionError
        If an HTML table cannot be parsed.
    """
    text = normalise_numbers(text)
    tables: list[Table] = []
    passages: list[Passage] = []
    title = None
    stack: list[tuple[int, str]] = []
    first_heading: tuple[int, str] | None = None
    context: str | None = None
    para: list[str] = []
    lines = text.splitlines()
    order = 0

    def section() -> str | None:
        names = [name for _, name in stack]
        if len(stack) > 1 and stack[0] == first_heading and first_heading[0] == 1:
            names = names[1:]
        return " > ".join(names) or None

    def add_passage(body: str) -> None:
        nonlocal order
        order += 1
        passages.append(Passage(body, section(), order=order))

    def add_tables(new: list[Table]) -> None:
        nonlocal order
        for t in new:
            order += 1
            t.order = order
            t.context = context
            tables.append(t)

    def flush() -> None:
        if para:
            add_passage(" ".join(para))
            para.clear()

    # YAML front matter is metadata, not prose: keep it as its own passage
    i = 0
    meta_name = None
    if lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is not None:
            order += 1
            passages.append(Passage("\n".join(lines[1:end]), "front matter", order=order))
            i = end + 1
            named = re.search(r"^model-index:\s*\n\s*-\s*name:\s*['\"]?([^'\"\n]+?)['\"]?\s*$",
                              "\n".join(lines[1:end]), re.M)
            meta_name = named.group(1).strip() if named else None

    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
        if fence:  # a code block (usage example, citation): neither headings nor figures
            flush()
            mark = fence.group(1)
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(mark):
                i += 1
            i += 1
            continue
        h = _HEADING_RE.match(line)
        if h:
            flush()
            level, name = len(h.group(1)), heading_text(h.group(2))
            if first_heading is None:
                first_heading = (level, name)
                if level == 1 and not _GENERIC_HEADING.match(name):
                    # "Model Card for TestLM", "TestLM Model Card": the model is TestLM
                    title = _CARD_WORDS.sub("", name) or name
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            context = None
            i += 1
            continue
        if re.match(r"\s*<table", line, re.I):
            flush()
            j = i
            while j < len(lines) and not re.search(r"</table>", lines[j], re.I):
                j += 1
            add_tables(_html_tables("\n".join(lines[i:j + 1]), section(), where))
            i = j + 1
            continue
        rule = i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{2,}", lines[i + 1])
        bare = (line.strip().startswith("|") and i + 1 < len(lines)
                and lines[i + 1].strip().startswith("|")
                and len(_split_pipe_row(line)) >= 3
                and len(_split_pipe_row(lines[i + 1])) == len(_split_pipe_row(line)))
        if _PIPE_RE.search(line) and (rule or bare):
            # a pipe table: with its |---| rule line, or (plain text) without one
            flush()
            header = _split_pipe_row(line)
            j = i + 2 if rule else i + 1
            rows = []
            while j < len(lines) and lines[j].strip() and _PIPE_RE.search(lines[j]):
                rows.append(_split_pipe_row(lines[j]))
                j += 1
            sec = section()
            add_tables([Table(header=header, rows=_continue_rows(rows), section=sec,
                              locator=f"table under {sec}" if sec else "table")])
            i = j
            continue
        segs = [x.strip() for x in _PIPE_RE.split(line)]
        if not line.strip().startswith("|") and len(segs) >= 3 and sum(
                bool(_KV_SEG_RE.match(x)) for x in segs) >= 0.75 * len(segs):
            # a log line "duration (s): 49516.09 | energy_consumed (kW): 5.5915 | ..."
            flush()
            rows = [list(_KV_SEG_RE.match(x).groups()) for x in segs if _KV_SEG_RE.match(x)]
            sec = section()
            add_tables([Table(header=["", ""], rows=rows, section=sec,
                              locator=f"log line under {sec}" if sec else "log line")])
            i += 1
            continue
        if _kv_item(line):
            flush()
            j = i
            rows = []
            while j < len(lines) and (m := _kv_item(lines[j])):
                rows.append([m.group("label").strip(), m.group("value").strip()])
                j += 1
            sec = section()
            add_tables([Table(header=["", ""], rows=rows, section=sec,
                              locator=f"list under {sec}" if sec else "list")])
            i = j
            continue
        if not line.strip():
            flush()
        elif _BOLD_LINE_RE.match(line) and not para:
            context = heading_text(line)
            add_passage(context)
        else:
            para.append(line.strip())
        i += 1
    flush()
    return tables, passages, title or meta_name  # no title heading: the hub's model-index name


__all__ = ["Passage", "heading_text", "read_card"]
