"""Numbers, units and labels as reports print them -> glossary fields and values.

This module knows the vocabulary of training-cost disclosures.  It turns a printed number
(``1,082,990``, ``3.3M``, ``1400K``, ``~455``, ``15T+``, ``8.35 × 1023`` whose superscript
exponent the PDF text layer flattened, ``10^23``, ``4.3e23``, ``1,11`` with a decimal comma,
``half a day``) into a value and a bound; a cell with its unit (``356MWh``, ``0.4 kW``,
``57 gCO2eq/kWh``, ``24,690 kg``, ``118 days, 5 hours, 41 min``) into a value and a unit;
and a column header or a row label (``Time (GPU hours)``, ``Training Location-Based
Greenhouse Gas Emissions (tons CO2eq)``, ``A100 GPU hours taken on 300B tokens``) into a
glossary field, unit, carbon basis and scope.  The rules are kinds of notation, never one
document's strings.  The prose patterns (:data:`PROSE_PATTERNS`) live in
:mod:`audit.extract.prose`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "G": 1e9}
WORD_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SMALL_WORDS = {"half a": 0.5, "half an": 0.5, "a quarter of a": 0.25, "one": 1, "two": 2,
               "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_APPROX = (r"(?P<approx>(?:~|∼|≈|approximately|approx\.|about|around|roughly|nearly|over|"
           r"more than|fewer than|less than|under|up to|at least|below|above)\s*)?")
# One number as printed.  Groups: approx marker, currency, mantissa, exponent forms, suffix.
NUMBER_RE = re.compile(
    _APPROX + r"(?P<cur>\$|USD\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:,\d{1,2}(?!\d))?)"
    r"(?:\s*(?:[×x]|\*)\s*10\s*(?:\^|\*\*)?\s*(?P<pow>[-−]?\d{1,2})"
    r"|(?P<e>[eE][-+−]?\d{1,3}))?"
    r"(?P<plus0>\+)?"  # "4+ trillion": the + may come before the scale word
    r"(?:\s?(?P<suffix>(?-i:[kKMBGT]))(?![a-zA-Z])|\s(?P<word>thousand|million|billion|trillion)\b)?"
    r"(?P<plus>\+)?",
    re.I,
)
_UPPER_WORDS = ("less than", "fewer than", "under", "up to", "below")
_LOWER_WORDS = ("over", "more than", "at least", "above")


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
    m = NUMBER_RE.search(_norm_space(text))
    if not m:
        return None
    return _number_from_match(m)


_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789−+")


def normalise_numbers(text: str) -> str:
    """Rewrite typographic number forms into the ones :data:`NUMBER_RE` reads.

    - thousands grouped by a thin, narrow or no-break space: ``150 000`` (U+202F) ->
      ``150000`` (a plain space is left alone: ``Table 3 100`` is two numbers);
    - a Unicode superscript exponent: ``10²³`` -> ``10^23``, ``10⁻²`` -> ``10^−2``;
    - a middle dot as the times sign: ``4.6·10^23`` -> ``4.6 × 10^23``.

    Examples
    --------
    >>> normalise_numbers("4.6·10²³ FLOP and 150\u202f000 kWh")
    '4.6 × 10^23 FLOP and 150000 kWh'
    """
    text = re.sub(r"(?<=\d)[\u2009\u202f\xa0](?=\d{3}(?!\d))", "", text)
    text = re.sub(r"10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})",
                  lambda m: "10^" + m.group(1).translate(_SUPERSCRIPT), text)
    return re.sub(r"(?<=\d)\s*[·⋅]\s*(?=10\^)", " × ", text)


def _norm_space(text: str) -> str:
    return text.replace("\u2009", " ").replace("\xa0", " ").replace("\u202f", " ")


def _number_from_match(m: re.Match[str]) -> Number:
    num = m.group("num")
    if re.fullmatch(r"\d+,\d{1,2}", num):
        value = float(num.replace(",", "."))
    else:
        value = float(num.replace(",", ""))
    exp = m.group("pow") or (m.group("e")[1:] if m.group("e") else None)
    if exp:  # through the decimal string, so that 8.35 x 10^23 is exactly 8.35e23
        value = float(f"{value!r}e{int(exp.replace('−', '-'))}")
    suffixed = False
    if m.group("suffix"):
        value *= SUFFIX[m.group("suffix")]
        suffixed = True
    elif m.group("word"):
        value *= WORD_MULT[m.group("word").lower()]
        suffixed = True
    approx = (m.group("approx") or "").strip().lower()
    if m.group("plus") or m.group("plus0") or approx in _LOWER_WORDS:
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
        r"days?|(?:×|x)\s*10\s*\^?\s*[-−]?\d{1,2}|[eE][-−+]?\d{1,2}|"
        r"(?i:thousand|million|billion|trillion)\+?)?\s*(?:\([^)]*\))?", c))


def clean_cell(cell: object) -> str:
    """Strip Markdown/HTML markup and escapes from a table cell."""
    s = "" if cell is None else str(cell)
    s = re.sub(r"<[^>]+>", " ", s)
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)  # [text](link) -> text
    s = s.replace("\\-", "-").replace("\\*", "*").replace("\\_", "_").replace("\\|", "|")
    s = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", s)
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------------------------
# Values with units (cells and list items)
# --------------------------------------------------------------------------------------------
_DURATION_UNITS = {"s": "s", "sec": "s", "second": "s", "min": "min", "minute": "min",
                   "h": "hour", "hr": "hour", "hour": "hour", "d": "day", "day": "day",
                   "week": "week", "month": "month", "year": "year"}
_DUR_PART_RE = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>seconds?|secs?|minutes?|mins?|hours?|"
                          r"hrs?|days?|weeks?|months?|years?)\b", re.I)
_HOURS_PER = {"s": 1 / 3600, "min": 1 / 60, "hour": 1, "day": 24, "week": 168,
              "month": 730.5, "year": 8766}


def parse_duration(text: str) -> float | None:
    """Hours in a compound duration such as ``118 days, 5 hours, 41 min``.

    Returns
    -------
    float or None
        The total in hours; None unless ``text`` has two or more duration parts.

    Examples
    --------
    >>> round(parse_duration("118 days, 5 hours, 41 min"), 3)
    2837.683
    >>> parse_duration("672 hours (28 days)") is None  # a restatement, not 672 h + 28 d
    True
    """
    parts = list(_DUR_PART_RE.finditer(text))
    if len(parts) < 2:
        return None
    if any("(" in text[a.end():b.start()] for a, b in zip(parts, parts[1:], strict=False)):
        return None  # "672 hours (28 days)": a restatement in other units, not a sum
    total = 0.0
    for p in parts:
        u = _DURATION_UNITS[re.sub(r"s$", "", p.group("u").lower())]
        total += float(p.group("n").replace(",", ".")) * _HOURS_PER[u]
    return total


_MASS = r"(?:g|grams?|kgs?|kilograms?|t|tons?|tonnes?|metric tons?)"
_VALUE_UNIT_RE = re.compile(
    r"^\s*(?P<u>" + _MASS + r"\s*CO\s*2?\s*(?:e|eq)?\.?\s*(?:/|per)\s*"
    r"(?:k|M)?Wh|(?:k|M|G)?Wh|(?:k|M)?W(?!h)|" + _MASS +
    r"(?:\s*(?:of\s+)?CO\s*2?\s*(?:e|eq|equivalent)?\.?)?|(?:GPU|TPU|chip|accelerator)?[- ]?"
    r"hours?|days?|weeks?|months?|years?|min(?:utes?)?|USD|%)(?![A-Za-z])", re.I)


def unit_of(text: str) -> str | None:
    """Registry unit for a unit as printed after a number (``kg CO2 eq.``, ``gCO2eq/kWh``,
    ``kW``, ``MWh``, ``hours``), None if it is none of these."""
    m = _VALUE_UNIT_RE.match(text)
    if not m:
        return None
    u = re.sub(r"\s+", "", m.group("u").lower())
    u = re.sub(r"^(?:kilograms?|kgs)", "kg", re.sub(r"^grams?", "g", u))
    u = u.replace("metrictons", "t").replace("tonnes", "t").replace("tonne", "t")
    u = u.replace("tons", "t").replace("ton", "t")
    mass = re.match(r"^(g|kg|t)(?:of)?(co2?(?:e|eq|equivalent)?\.?)?((?:/|per)(k|m)?wh)?$", u)
    if mass:
        if mass.group(3):
            return f"{mass.group(1)}CO2e/{(mass.group(4) or '').replace('m', 'M')}Wh"
        return f"{mass.group(1)}CO2e"
    if re.fullmatch(r"[kmg]?wh", u):
        return {"wh": "Wh", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh"}[u]
    if re.fullmatch(r"[km]?w", u):
        return {"w": "W", "kw": "kW", "mw": "MW"}[u]
    if re.search(r"hours?$", u):
        return "hour"
    for k, v in (("day", "day"), ("week", "week"), ("month", "month"), ("year", "year"),
                 ("min", "min")):
        if u.startswith(k):
            return v
    if u == "usd":
        return "USD"
    if u == "%":
        return "percent"
    return None


@dataclass(frozen=True)
class Value:
    """A cell's value with the unit printed next to it (None when the cell gives none)."""

    value: float
    unit: str | None
    bound: str
    text: str


def parse_value(cell: str) -> Value | None:
    """The number of a cell or list item and the unit printed after it.

    Examples
    --------
    >>> parse_value("24,690 kg")
    Value(value=24690.0, unit='kgCO2e', bound='exact', text='24,690 kg')
    >>> parse_value("57 gCO2eq/kWh").unit
    'gCO2e/kWh'
    """
    c = clean_cell(cell)
    hours = parse_duration(c)
    if hours is not None:
        return Value(hours, "hour", "exact", c)
    w = re.search(r"\b(?:about |around |approximately |~)?(half an?|a quarter of a)\s+"
                  r"(hour|day|week|month|year)\b", c, re.I)
    if w:
        bound = "approximate" if re.search(r"about|around|approx|~", w.group(0)) else "exact"
        return Value(SMALL_WORDS[w.group(1).lower()], w.group(2).lower(), bound, w.group(0))
    m = NUMBER_RE.search(_norm_space(c))
    if not m:
        return None
    num = _number_from_match(m)
    rest = c[m.end():]
    unit = "USD" if num.currency else unit_of(rest)
    return Value(num.value, unit, num.bound, c)


def rate_per_trillion_tokens(value: float, per_tokens: float) -> float:
    """A rate per ``per_tokens`` tokens as a rate per 1e12 tokens.

    Parameters
    ----------
    value : float
        The printed rate [unit per ``per_tokens`` tokens], e.g. 3456 GPU-hours per 300B.
    per_tokens : float
        Its token denominator [tokens].

    Returns
    -------
    float
        ``value * 1e12 / per_tokens`` [unit per 1e12 tokens].

    Examples
    --------
    >>> rate_per_trillion_tokens(3456, 300e9)
    11520.0
    """
    return value * 1e12 / per_tokens


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    """What a column header or row label means."""

    field: str
    unit: str | None = None  # unit given by the label, if any
    basis: str | None = None
    scope: str | None = None
    per_tokens: float | None = None  # a rate per this many tokens


def _basis(text: str) -> str | None:
    t = text.lower()
    if "market" in t:
        return "market"
    if "location" in t:
        return "location"
    return None


def _first_match(table: tuple[tuple[str, str], ...], t: str) -> str | None:
    """The value of the first (pattern, value) row of ``table`` whose pattern is in ``t``."""
    return next((value for pattern, value in table if re.search(pattern, t)), None)


_UNITS_IN = ((r"\bmwh\b", "MWh"), (r"\bkwh\b", "kWh"), (r"\bgwh\b", "GWh"),
             (r"\(kw\)", "kW"), (r"\(w\)|\bwatts?\b", "W"),
             (r"\bkg\s*co\s*2|kgco2", "kgCO2e"),
             (r"(?:^|[\s(])(?:t|tons?|tonnes?|metric tons?)\s*co\s*2?\s*(?:e|eq)?\b|\(t\)",
              "tCO2e"),
             (r"\busd\b|\$", "USD"))


def _unit_in(text: str) -> str | None:
    t = text.lower().replace("₂", "2")
    t = re.sub(r"<sub>2</sub>", "2", t)
    return _first_match(_UNITS_IN, t)


_NOT_FIELDS = re.compile(
    r"memory|footprint \(in gb\)|context|batch|vocab|layers?\b|embedding|inference|"
    r"per (?:sample|query|request|image)|throughput|tokens?\s*/\s*s|/\s*sec|per second|"
    r"latency|speed|learning rate|warm-?up|\bsteps?\b|epochs?|sequence|attention|heads?\b|"
    r"\bdata\b|\bshards?\b|replica|dimension|knowledge cutoff|score|accuracy|"
    r"\bdecode\b|\bprefill\b|\bmodel size\b(?!.*param)|\bBS\b|per param\w*|"
    r"tokens?\s*/\s*param\w*", re.I)  # "BS (tokens)": a batch; "Tokens per Parameter": a ratio
_RATE_LABEL_RE = re.compile(r"(?:\bon|\bper|/)\s*(?P<n>\d+(?:\.\d+)?)?\s*(?P<m>[kKMBT])?\s*"
                            r"tokens?\b", re.I)


_SCOPES = (("logit", "logit generation"), ("pre-?train", "pretraining"),
           ("post-train", "post-training"), ("context extension", "context extension"),
           ("experiments|hyperparameter search|development", "experiments"),
           ("final model", "final model"))


def _scope(t: str) -> str | None:
    return _first_match(_SCOPES, t)


_UNIT_ONLY = {"t": ("emissions", "tCO2e"), "tons": ("emissions", "tCO2e"),
              "tonnes": ("emissions", "tCO2e"), "tco2e": ("emissions", "tCO2e"),
              "tco2eq": ("emissions", "tCO2e"), "kg": ("emissions", "kgCO2e"),
              "kgco2e": ("emissions", "kgCO2e"), "kgco2eq": ("emissions", "kgCO2e"),
              "w": ("accelerator_power", "W"), "kw": ("accelerator_power", "kW"),
              "mwh": ("energy", "MWh"), "kwh": ("energy", "kWh"), "gwh": ("energy", "GWh")}


def _unit_only(t: str) -> tuple[str, str] | None:
    """A header that is only a unit (``W``, ``Location t``, ``MWh``): the unit says the field."""
    core = re.sub(r"location[- ]based|market[- ]based|\blocation\b|\bmarket\b|\btraining\b|"
                  r"[()\s]", "", t)
    return _UNIT_ONLY.get(core)


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
        "Memory footprint", "Embedding Parameters", a benchmark name).

    Examples
    --------
    >>> classify_label("Training Market-Based Greenhouse Gas Emissions (tons CO2eq)").basis
    'market'
    >>> classify_label("Total power consumption (MWh)").field
    'energy'
    >>> classify_label("A100 GPU hours taken on 300B tokens").per_tokens
    300000000000.0
    """
    raw = clean_cell(text)
    t = raw.lower().replace("₂", "2")
    if not t or _NOT_FIELDS.search(t):
        return None
    unit = _unit_in(raw)
    scope = _scope(t)
    short = _unit_only(t)
    if short:
        return Label(short[0], short[1], _basis(t), scope)
    if re.search(r"gpu[- ]?h(?:ours?|rs?)?\b|tpu[- ]?hours?|chip[- ]?hours?|time \(gpu|"
                 r"\bhours used\b|accelerator[- ]hours?", t):
        rate = _RATE_LABEL_RE.search(raw)
        if rate or re.search(r"/\s*t\s*tokens|per\s+trillion", t):
            n = float(rate.group("n") or 1) if rate else 1.0
            m = SUFFIX.get((rate.group("m") or "").upper(), 1.0) if rate else 1e12
            per = n * m if rate and (rate.group("n") or rate.group("m")) else 1e12
            return Label("accelerator_hours_per_trillion_tokens", "hour", None, scope, per)
        return Label("accelerator_hours", "hour", None, scope)
    if re.search(r"co\s*2|ghg|greenhouse|carbon emitted|emissions?\b|emitted", t) and not re.search(
            r"per\s*kwh|/kwh|intensity|factor", t):
        return Label("emissions", unit or "tCO2e", _basis(t), scope)
    if re.search(r"^carbon\b", t) and unit in ("tCO2e", "kgCO2e"):
        return Label("emissions", unit, _basis(t), scope)
    if re.search(r"intensity|/kwh|per kwh|energy mix|emission factor|grid factor", t):
        paren = re.search(r"\(([^()]*(?:/|per)\s*[kM]?Wh)\)", raw.replace("₂", "2"), re.I)
        return Label("carbon_intensity", unit_of(paren.group(1)) if paren else None,
                     _basis(t), scope)
    if re.search(r"\bpue\b|power usage effectiveness", t):
        return Label("pue", "dimensionless", None, scope)
    if "power" in t or "energy" in t:
        # "Total power consumption (MWh)" is energy, whatever the header calls it
        if unit in ("MWh", "kWh", "GWh") or "total" in t or "energy" in t:
            return Label("energy", unit if unit in ("MWh", "kWh", "GWh") else None, None, scope)
        return Label("accelerator_power", unit or "W", None, scope)
    if re.search(r"\bmfu\b|flops? utili[sz]ation", t):
        return Label("mfu", "dimensionless", None, scope)
    if re.search(r"\bflops?\b|training compute|compute \(", t):
        return Label("training_compute", "FLOP", None, scope)
    if re.search(r"price|\$\s*/\s*(?:gpu|h)|per gpu[- ]hour", t):
        return Label("gpu_hour_price", "USD/hour", None, scope)
    if re.search(r"cost|\busd\b|\$", t):
        return Label("cost", "USD", None, scope)
    if re.search(r"activ(?:e|ated) param", t):
        return Label("n_active_parameters", "dimensionless", None, scope)
    if re.search(r"^#?\s*(?:total\s+)?params?\b|parameters|^size$|^model size", t):
        return Label("n_parameters", "dimensionless", None, scope)
    if re.search(r"tokens?\b|token count", t):
        return Label("n_tokens", "dimensionless", None, scope)
    if re.search(r"#\s*chips|chips\b|#\s*gpus|number of (?:gpus|accelerators|chips)|"
                 r"gpu count", t):
        return Label("accelerator_count", "dimensionless", None, scope)
    if re.search(r"how (?:much|long).*time|\btime\b.*\btrain|training (?:time|duration)|"
                 r"wall[- ]?clock|duration", t):
        return Label("training_duration", None, None, scope)
    return None
