"""Numbers, units and labels as reports print them -> glossary fields and values.

This module knows the vocabulary of training-cost disclosures.  It turns a printed number
(``1,082,990``, ``3.3M``, ``1400K``, ``~455``, ``15T+``, ``8.35 × 1023`` whose superscript
exponent the PDF text layer flattened, ``4.3e23``, ``1,11`` with a decimal comma) into a value
and a bound, and a column header or a row label (``Time (GPU hours)``, ``Training
Location-Based Greenhouse Gas Emissions (tons CO2eq)``) into a glossary field, unit, carbon
basis and scope.  The rules are kinds of notation, never one document's strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "G": 1e9}
WORD_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

# One number as printed.  Groups: approx marker, currency, mantissa, exponent forms, suffix.
NUMBER_RE = re.compile(
    r"(?P<approx>(?:~|∼|≈|approximately|approx\.|about|around|roughly|nearly|over|"
    r"more than|less than|under|up to|at least)\s*)?"
    r"(?P<cur>\$|USD\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:,\d{1,2}(?!\d))?)"
    r"(?:\s*(?:[×x]|\*)\s*10\s*(?:\^|\*\*)?\s*(?P<pow>[-−]?\d{1,2})"
    r"|(?P<e>[eE][+-]?\d{1,3}))?"
    r"(?:\s?(?P<suffix>[kKMBGT])(?![a-zA-Z])|\s(?P<word>thousand|million|billion|trillion)\b)?"
    r"(?P<plus>\+)?",
    re.I,
)
_UPPER_WORDS = ("less than", "under", "up to")
_LOWER_WORDS = ("over", "more than", "at least")


@dataclass(frozen=True)
class Number:
    """A parsed number: value, bound (exact/approximate/lower/upper) and the text matched."""

    value: float
    bound: str
    text: str
    suffixed: bool = False
    currency: bool = False


def parse_number(text: str) -> Number | None:
    """Parse the first number in ``text`` the way reports print numbers.

    Parameters
    ----------
    text : str
        A cell or phrase, e.g. ``"1,082,990"``, ``"3.3M"``, ``"~455"``, ``"15T+"``,
        ``"8.35 × 1023"``, ``"$5.576M"``, ``"1,11"`` (decimal comma).

    Returns
    -------
    Number or None
        None when ``text`` holds no number.

    Notes
    -----
    A PDF text layer flattens a superscript exponent, so ``8.35 × 10^23`` reads
    ``8.35 × 1023``: after ``× 10`` the remaining one or two digits are the exponent.
    ``1,11`` (a comma followed by one or two digits) is a decimal comma; ``1,110`` is a
    thousands separator.

    Examples
    --------
    >>> parse_number("1400K").value
    1400000.0
    >>> parse_number("8.35 × 1023").value
    8.35e+23
    >>> parse_number("15T+").bound
    'lower'
    """
    m = NUMBER_RE.search(text.replace("\u2009", " ").replace("\xa0", " "))
    if not m:
        return None
    return _number_from_match(m)


def _number_from_match(m: re.Match[str]) -> Number:
    num = m.group("num")
    if re.fullmatch(r"\d+,\d{1,2}", num):
        value = float(num.replace(",", "."))
    else:
        value = float(num.replace(",", ""))
    if m.group("pow"):
        value *= 10.0 ** int(m.group("pow").replace("−", "-"))
    elif m.group("e"):
        value *= 10.0 ** int(m.group("e")[1:])
    suffixed = False
    if m.group("suffix"):
        value *= SUFFIX[m.group("suffix")]
        suffixed = True
    elif m.group("word"):
        value *= WORD_MULT[m.group("word").lower()]
        suffixed = True
    approx = (m.group("approx") or "").strip().lower()
    if m.group("plus") or approx in _LOWER_WORDS:
        bound = "lower"
    elif approx in _UPPER_WORDS:
        bound = "upper"
    elif approx:
        bound = "approximate"
    else:
        bound = "exact"
    return Number(value, bound, m.group(0).strip(), suffixed, bool(m.group("cur")))


def iter_numbers(text: str):
    """Yield ``(match, Number)`` for every number in ``text``."""
    for m in NUMBER_RE.finditer(text):
        yield m, _number_from_match(m)


def is_numeric_cell(cell: str) -> bool:
    """True when a table cell is a number, optionally with a unit glued on (``356MWh``)."""
    c = clean_cell(cell)
    return bool(re.fullmatch(
        r"(?:~|∼|≈)?\$?\d[\d,]*(?:\.\d+)?\s?(?:[kKMBT]\+?|\+|%|W|kW|MWh|kWh|GWh|h|"
        r"days?|(?:×|x)\s*10\s*\d{1,2})?",
        c))


def clean_cell(cell: object) -> str:
    """Strip Markdown/HTML markup and escapes from a table cell."""
    s = "" if cell is None else str(cell)
    s = re.sub(r"<[^>]+>", " ", s)
    s = s.replace("\\-", "-").replace("\\*", "*").replace("\\_", "_").replace("\\|", "|")
    s = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class Label:
    """What a column header or row label means."""

    field: str
    unit: str | None = None  # unit given by the label, if any
    basis: str | None = None
    scope: str | None = None


def _basis(text: str) -> str | None:
    t = text.lower()
    if "market" in t:
        return "market"
    if "location" in t:
        return "location"
    return None


def _unit_in(text: str) -> str | None:
    t = text.lower().replace("₂", "2")
    t = re.sub(r"<sub>2</sub>", "2", t)
    if re.search(r"\bmwh\b", t):
        return "MWh"
    if re.search(r"\bkwh\b", t):
        return "kWh"
    if re.search(r"\bgwh\b", t):
        return "GWh"
    if re.search(r"\(w\)|\bwatts?\b|\(kw\)", t):
        return "kW" if "(kw)" in t else "W"
    if re.search(r"\bkg\s*co\s*2|kgco2", t):
        return "kgCO2e"
    if re.search(r"(?:^|[\s(])(?:t|tons?|tonnes?|metric tons?)\s*co\s*2?\s*(?:e|eq)?\b|\(t\)", t):
        return "tCO2e"
    if re.search(r"\busd\b|\$", t):
        return "USD"
    return None


def classify_label(text: str) -> Label | None:
    """Map a column header or row label to a glossary field.

    Parameters
    ----------
    text : str
        The header or label as printed (markup is stripped first).

    Returns
    -------
    Label or None
        None when the label names nothing this project scores (e.g. "Context length",
        "Memory footprint").

    Examples
    --------
    >>> classify_label("Training Market-Based Greenhouse Gas Emissions (tons CO2eq)").basis
    'market'
    >>> classify_label("Total power consumption (MWh)").field
    'energy'
    """
    raw = clean_cell(text)
    t = raw.lower().replace("₂", "2")
    if not t or re.search(r"memory|footprint \(in gb\)|context|batch|vocab|layers?\b", t):
        return None
    unit = _unit_in(raw)
    scope = None
    if "logit" in t:
        scope = "logit generation"
    elif "pre-train" in t or "pretrain" in t:
        scope = "pretraining"
    elif "post-train" in t:
        scope = "post-training"
    elif "context extension" in t:
        scope = "context extension"
    if re.search(r"gpu[- ]?hours?|tpu[- ]?hours?|chip[- ]?hours?|time \(gpu|gpu hours|"
                 r"\bhours used\b", t):
        return Label("accelerator_hours", "hour", None, scope)
    if re.search(r"co\s*2|ghg|greenhouse|carbon emitted|emissions?\b", t) and not re.search(
            r"per\s*kwh|/kwh|intensity", t):
        return Label("emissions", unit or "tCO2e", _basis(t), scope)
    if re.search(r"intensity|/kwh|per kwh", t):
        return Label("carbon_intensity", None, _basis(t), scope)
    if re.search(r"\bpue\b|power usage effectiveness", t):
        return Label("pue", "dimensionless", None, scope)
    if "power" in t or "energy" in t:
        # "Total power consumption (MWh)" is energy, whatever the header calls it
        if unit in ("MWh", "kWh", "GWh") or "total" in t or "energy" in t:
            return Label("energy", unit if unit in ("MWh", "kWh", "GWh") else None, None, scope)
        return Label("accelerator_power", unit or "W", None, scope)
    if re.search(r"\bflops?\b|training compute|compute \(", t):
        return Label("training_compute", "FLOP", None, scope)
    if re.search(r"cost|price|\busd\b|\$", t):
        return Label("cost", "USD", None, scope)
    if re.search(r"^#?\s*params?\b|parameters|model size", t) and "embedding" not in t:
        if "activ" in t:
            return Label("n_active_parameters", "dimensionless", None, scope)
        return Label("n_parameters", "dimensionless", None, scope)
    if re.search(r"activated params|active params", t):
        return Label("n_active_parameters", "dimensionless", None, scope)
    if re.search(r"tokens?\b|token count", t):
        return Label("n_tokens", "dimensionless", None, scope)
    if re.search(r"#\s*chips|chips\b|#\s*gpus|number of (?:gpus|accelerators)", t):
        return Label("accelerator_count", "dimensionless", None, scope)
    return None


# Prose patterns: (field, regex with a named group "n" for the number, unit, flags).
_N = (r"(?P<n>(?:~|∼|≈|approximately |about |around |roughly |nearly |over |more than |"
      r"less than |under |up to |at least )?\$?\d[\d,]*(?:\.\d+)?"
      r"(?:\s*(?:[×x]|\*)\s*10\s*(?:\^|\*\*)?\s*[-−]?\d{1,2}|[eE][+-]?\d{1,3})?"
      r"(?:\s?[kKMBT](?![a-zA-Z])|\s(?:thousand|million|billion|trillion)\b)?\+?)")
_ACC = r"(?:[A-Z][A-Za-z0-9]*[- ]?)?(?:[A-Z]?\d{2,4}[A-Za-z0-9-]*\s+)?"
PROSE_PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("accelerator_hours",
     re.compile(_N + r"\s*\**\s*(?:(?:NVIDIA\s+)?[A-Z][A-Za-z]*\d+[A-Za-z0-9-]*\s+)?"
                r"(?:GPU|TPU|chip|accelerator)[- ]?hours?\b", re.I), "hour"),
    ("energy", re.compile(_N + r"\s*(?P<u>[MGk]Wh)\b"), "{u}"),
    ("carbon_intensity",
     re.compile(_N + r"\s*(?P<u>(?:kg|g|t)\s*CO\s*2?\s*(?:e|eq)?\s*(?:/|per)\s*[kM]Wh)", re.I),
     "{u}"),
    ("emissions",
     re.compile(_N + r"\s*\**\s*(?P<u>(?:metric\s+)?(?:tons?|tonnes?|t|kg)\s*(?:of\s+)?"
                r"CO\s*2?\s*(?:e|eq|-eq|equivalent)?\.?)(?![\s\w]{0,8}(?:/|per)\s*[km]?wh)", re.I),
     "{u}"),
    ("pue", re.compile(r"\bPUE\)?\s*(?:of|=|is|was|at|set (?:at|to|with))?\s*(?P<n>[1-3]\.\d+)",
                       re.I), "dimensionless"),
    ("pue", re.compile(r"(?:PUE|power usage effectiveness)[^.;]{0,40}?(?:is |was |of |at |"
                       r"set with |set to |= ?)(?P<n>[1-3]\.\d+)", re.I), "dimensionless"),
    ("training_compute",
     re.compile(_N + r"\s*(?:FLOPs?|floating[- ]point operations)\b(?!\s*/\s*s)", re.I), "FLOP"),
    ("training_compute",
     re.compile(r"compute budget of\s*" + _N, re.I), "FLOP"),
    ("gpu_hour_price",
     re.compile(r"(?P<n>\$\s?\d+(?:\.\d+)?)\s*(?:per|/|an?)\s*(?:GPU|TPU|chip)[- ]?hour",
                re.I), "USD/hour"),
    ("cost", re.compile(r"(?P<n>\$\s?\d[\d,]*(?:\.\d+)?(?:\s?[KMB](?![a-zA-Z])|\s(?:thousand|"
                        r"million|billion)\b)?)(?!\s*(?:per|/|an?)\s*(?:GPU|TPU|chip))",
                        re.I), "USD"),
    ("n_tokens",
     re.compile(_N + r"\s*(?:(?:high[- ]quality|training|text|pretraining|pre-training)\s+)?"
                r"tokens\b", re.I), "dimensionless"),
    ("n_parameters",
     re.compile(_N + r"[- ]?(?:parameters?|params)\b", re.I), "dimensionless"),
    ("accelerator_count",
     re.compile(r"(?P<n>\d[\d,]*)\s*(?:x\s*|×\s*)?(?:NVIDIA\s+)?(?P<acc>(?:A100|H100|H800|H200|"
                r"V100|A800|B200|MI250X|MI300X|TPU\s?v\d[a-z]?|TPUv\d[a-z]?)[A-Za-z0-9-]*)"
                r"(?:\s+(?:GPUs?|chips?|accelerators?|graphics cards?))?", re.I),
     "dimensionless"),
    ("training_duration",
     re.compile(_N + r"\s*(?P<u>days?|weeks?|months?)\b", re.I), "{u}"),
]

# Context that makes a GPU-hours figure a rate, not a total.
RATE_RE = re.compile(r"(?:each|per|every)\s+(?:one\s+)?trillion\s+tokens|/\s*T\s*tokens|"
                     r"per\s+T\b", re.I)
