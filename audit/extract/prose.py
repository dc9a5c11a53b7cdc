"""Figures in running text: one sentence -> the numbers it discloses, with their spans.

:func:`sentence_figures` applies :data:`PROSE_PATTERNS` to one sentence and keeps what a
careful reader would take as a disclosure:

- a number is read once (the first pattern that claims it wins);
- a range (``3.5T to 4.5T tokens``, ``4M-5M tokens``) discloses neither end;
- a token count is a training-set size only when a training verb governs it (``pre-train
  X on 14.8 trillion ... tokens``, ``consumed 300B tokens``) and it is not a context
  window, batch, vocabulary, throughput, ablation, annealing or checkpoint size;
- GPU-hours near "per / each trillion tokens" are a rate
  (``accelerator_hours_per_trillion_tokens``), and so is a duration in such a sentence;
- a duration needs a training or development context; an accelerator count needs the chip
  named and is not a per-node count (``each node has 8 GPUs``); ``32 x 8 x A100`` is 256;
- ``less than $8K`` / ``up to 9 trillion`` is an upper bound, returned with
  ``bound="upper"`` for the caller to keep as a warning rather than a figure;
- a sentence addressed to the reader as a possibility (``you can train ... in 32 hours``)
  or stating an aim or plan (``aims to``, ``we plan to``) discloses nothing.

Attribution to models is :mod:`audit.extract.attribution`'s job; this module only returns
where in the sentence each number sits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from audit.errors import UnitError
from audit.extract.figures import NUMBER_RE, SMALL_WORDS, Number, _number_from_match, unit_of
from audit.units import parse_unit

# A number as printed in prose (groups of NUMBER_RE are not reused: one group "n" only).
_N = (r"(?<![\w.])(?P<n>(?:~|∼|≈|approximately |about |around |roughly |nearly |over |more than |"
      r"fewer than |less than |under |up to |at least |below )?\$?\d[\d,]*(?:\.\d+)?"
      r"(?:\s*(?:[×x]|\*)\s*10\s*(?:\^|\*\*)?\s*[-−]?\d{1,2}|[eE][+-]?\d{1,3})?"
      r"(?:\s?(?-i:[kKMBT])(?![a-zA-Z])|\s(?:thousand|million|billion|trillion)\b)?\+?)")
_ACC_NAME = (r"(?:A100|H100|H800|H200|H20|V100|A800|B200|GB200|MI250X?|MI300X?|"
             r"TPU\s?v\d[a-z]?|TPUv\d[a-z]?)")
PROSE_PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("accelerator_hours",
     re.compile(_N + r"\s*\**\s*(?:NVIDIA\s+)?(?:[A-Z][A-Za-z]*\d+[A-Za-z0-9-]*\s+){0,2}"
                r"(?:GPU|TPU|chip|accelerator)[- ]?hours?\b", re.I), "hour"),
    ("energy", re.compile(_N + r"\s*(?P<u>[MGk]Wh)\b(?!\s*/)"), "{u}"),
    ("energy",  # a tracker log: energy_consumed_kWh=0.000229
     re.compile(r"\benergy\w*?_(?P<u>[MGk]?Wh)\s*=\s*(?P<n>\d[\d.]*(?:[eE][-+]?\d+)?)"), "{u}"),
    ("carbon_intensity",
     re.compile(_N + r"\s*(?P<u>(?:kg|g|t)\s*CO\s*2?\s*(?:e|eq)?\.?\s*(?:/|per)\s*[kM]Wh)",
                re.I), "{u}"),
    ("emissions",
     re.compile(_N + r"\s*\**\s*(?P<u>(?:metric\s+)?(?:tons?|tonnes?|t|kg)\s*(?:of\s+)?"
                r"CO\s*2?\s*(?:e|eq|-eq|equivalent)?\.?)(?![\s\w.]{0,8}(?:/|per)\s*[km]?wh)",
                re.I), "{u}"),
    ("emissions",
     re.compile(r"\bCO\s*2\s*(?:e|eq)?\s*:?\s*" + _N + r"\s*(?P<u>g|kg|t|tonnes?|tons?)\b(?![\w/])",
                re.I), "{u}CO2e"),
    ("emissions",  # "(14.6 t)", "emissions 11.2 t" in a sentence about CO2
     re.compile(_N + r"\s*(?P<u>t|kg)\b(?![\w/])(?!\s*CO)"), "{u}CO2e"),
    ("accelerator_power",
     re.compile(r"\b(?:power|draw|wattage)\b(?:(?!TDP|thermal design|nameplate)[^.;]){0,80}?"
                r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?P<u>k?W)\b(?!h)", re.I), "{u}"),
    ("pue", re.compile(r"\bPUE\)?\s*(?:of|=|is|was|at|set (?:at|to|with))?\s*(?P<n>[1-3]\.\d+)",
                       re.I), "dimensionless"),
    ("pue", re.compile(r"(?:PUE|power usage effectiveness)[^.;]{0,40}?(?:is |was |of |at |"
                       r"set with |set to |= ?)(?P<n>[1-3]\.\d+)", re.I), "dimensionless"),
    ("training_compute",
     re.compile(_N + r"\s*(?:FLOPs?|floating[- ]point operations)\b(?!\s*/\s*s)", re.I), "FLOP"),
    ("training_compute", re.compile(r"compute budget of\s*" + _N, re.I), "FLOP"),
    ("achieved_throughput",  # "About 150 TFLOP per GPU per second", "147 TFLOP/s per GPU"
     re.compile(_N + r"\s*(?P<u>[TP])FLOPS?(?:/s)?\s*(?:per|/)\s*(?:GPU|chip|accelerator|device)"
                r"\b(?![\s-]*hours?)", re.I), "{u}FLOP/s"),
    ("mfu", re.compile(r"(?<![\w.-])(?P<n>\d{1,3}(?:\.\d+)?)\s*%\s*\**\s*"
                       r"(?:model flops utili[sz]ation|MFU)\b"
                       r"|(?:MFU|model flops utili[sz]ation)\)?\s*(?:of|is|was|at)?\s*"
                       r"(?P<n2>\d{1,3}(?:\.\d+)?)\s*%", re.I), "percent"),
    ("gpu_hour_price",
     re.compile(r"(?P<n>\$\s?\d+(?:\.\d+)?)\s*(?:per|/|an?)\s*(?:(?:H800|H100|A100)\s+)?"
                r"(?:GPU|TPU|chip)[- ]?hour", re.I), "USD/hour"),
    ("cost", re.compile(r"(?P<n>(?:less than |under |around |about |approximately |~)?"
                        r"\$\s?\d[\d,]*(?:\.\d+)?(?:\s?[KMB](?![a-zA-Z])|\s(?:thousand|"
                        r"million|billion)\b)?)(?!\s*(?:per|/|an?)\s*(?:\w+\s)?(?:GPU|TPU|chip))",
                        re.I), "USD"),
    ("n_active_parameters",
     re.compile(_N + r"\s*(?:(?:are|is)\s+)?(?:activated|active)\b(?:\s+param\w*)?", re.I),
     "dimensionless"),
    ("n_active_parameters",
     re.compile(r"activated parameter count of\s*" + _N, re.I), "dimensionless"),
    ("n_tokens",
     re.compile(_N + r"\s*(?:[a-z-]+(?:\s+and\s+|\s*,\s*|\s+)){0,4}?tokens\b(?!\s*/)", re.I),
     "dimensionless"),
    ("n_tokens",  # "Total seen tokens: **366B**"
     re.compile(r"\b(?:seen|training|trained|processed)\s+tokens\s*[:=]\s*\**\s*" + _N, re.I),
     "dimensionless"),
    ("n_parameters",
     re.compile(_N + r"[- ]?(?:total\s+)?(?:parameters?|params?)\b", re.I), "dimensionless"),
    ("n_parameters",  # "405B dense model"
     re.compile(_N + r"\s+(?:dense|MoE|sparse)\s+model\b", re.I), "dimensionless"),
    ("accelerator_count",  # a TPU slice: "one Cloud TPU v3-8" (cores) / "v5e-256" (chips)
     re.compile(r"(?:(?P<k>\d+|one|two|three|four|a|an)\s+)?(?:Cloud\s+)?TPU\s?(?P<ver>v\d[a-z]?)"
                r"-(?P<n>\d+)\b", re.I), "dimensionless"),
    ("accelerator_count",
     re.compile(r"(?<![\w.,])(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\s*[x×]\s*\d+){0,3})\s*"
                r"(?:x\s*|×\s*)?(?:(?:NVIDIA|AMD|Google)\s+)?"
                r"(?P<acc>" + _ACC_NAME + r"[A-Za-z0-9-]*)(?:\s+(?:SXM\d?|PCIe))?"
                r"(?:\s+(?:GPUs?|chips?|accelerators?|graphics cards?))?", re.I),
     "dimensionless"),
    ("accelerator_count",
     re.compile(r"(?P<n>\d+)\s*nodes?\s*(?:of|x|×)\s*(?P<m>\d+)\s*(?:\w+\s+)?"
                r"(?:GPUs?|chips?|accelerators?)", re.I), "dimensionless"),
    ("training_duration",
     re.compile(r"(?P<n>(?:~|∼|≈|approximately |about |around |roughly |nearly |over |"
                r"more than |less than |under |up to |just |\"just\" |“just” )?"
                r"(?:\d[\d,]*(?:\.\d+)?|half an?|a quarter of a|one|two|three|four|five|six|"
                r"seven|eight|nine|ten|eleven|twelve))\s*(?P<u>days?|weeks?|months?|"
                r"hours?)\b", re.I), "{u}"),
]

# Context that makes a GPU-hours figure a rate, not a total.
RATE_RE = re.compile(r"(?:each|per|every)\s+(?:one\s+)?trillion\s+tokens|/\s*T\s*tokens|"
                     r"per\s+T\b", re.I)
_TRAIN_VERB = re.compile(r"\b(?:pre-?train\w*|train\w*|overtrain\w*|consum\w*|seen|saw|"
                         r"processed)\b", re.I)
_TOKEN_NOISE = re.compile(r"\b(?:batch|context|vocabular\w*|window|sequence|ablation\w*|"
                          r"anneal\w*|checkpoint|throughput|per second|/sec|subset|deemed|"
                          r"filtered|distill\w*|until)\b", re.I)
# Sizes of experimental models (a baseline, an ablation, "models trained on ...") are not
# the report's models' sizes; nor is a part of a schedule ("the first 469B tokens").
_SIZE_NOISE = re.compile(r"\bbaselines?\b|\bablation\w*|\bproxy\b|\btoy\b|"
                         r"(?<!our )\bmodels trained on\b|\bsmall-scale\b|"
                         r"\b(?:an?|one)\s+(?:[\w-]+\s+){0,2}?models?\s+(?:comprising|with)\b",
                         re.I)
_PART_BEFORE = re.compile(r"\b(?:first|final|last|remaining|next|initial|additional)\s+$", re.I)
_SUBSET_TOKENS = re.compile(r"^\s*(?:math|code|web|english|chinese|multilingual|synthetic|"
                            r"instruction|sft|image|text-only)\s+tokens", re.I)
_DURATION_CONTEXT = re.compile(r"\b(?:train\w*|pre-?train\w*|took|takes|run|ran|develop\w*|"
                               r"span|cluster|complet\w*|consum\w*)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:you|one) can\b|\baims? to\b|\bplans? to\b|\bwe will\b|"
                           r"\bif (?:we|you)\b", re.I)
# A sentence that cites other work ("Hoffmann et al. (2022) recommends a 10B model on 200B
# tokens") gives sizes of that work, not of this report's models.
_CITATION = re.compile(r"\bet al\.|\([A-Z][A-Za-z-]+,? (?:19|20)\d\d[a-z]?[;)]")
_PER_NODE = re.compile(r"\beach node\b|\bper node\b|\bsingle node\b|\bnode (?:has|contains|"
                       r"consists)\b", re.I)
_RANGE_AFTER = re.compile(r"^\s*(?:to|-|–|—|and)\s*\$?\d", re.I)
_RANGE_BEFORE = re.compile(r"(?:from|between)\s+[^\s]*\s*$|\d[kKMBT]?\s*(?:to|-|–)\s*$", re.I)


@dataclass(frozen=True)
class Hit:
    """One number of a sentence read as a figure."""

    field: str
    value: float
    unit: str
    bound: str
    start: int
    end: int
    text: str
    scope: str | None = None
    cited: bool = False  # quoted from another source ("Reported elsewhere: 15.6T tokens")


#: a figure quoted from another source, not the report's own: "Reported elsewhere:",
#: "according to <source>", "as reported in/by", "other sources report".
CITED_RE = re.compile(r"\breported elsewhere\b|\baccording to\b(?!\s+(?:our|us|internal|the "
                      r"(?:logs?|measurements?|tracker|meters?))\b)|\bas (?:reported|stated|"
                      r"estimated|given|cited) (?:in|by)\b|\b(?:other|external|third-party|"
                      r"secondary) (?:sources?|reports?|estimates?)\b|\bcited (?:in|by)\b",
                      re.I)


def _number(text: str) -> Number | None:
    t = text.strip().strip('"“”')
    t = re.sub(r"^(?:just|\"just\"|“just”)\s+", "", t, flags=re.I)
    for word, v in SMALL_WORDS.items():
        m = re.fullmatch(rf"(?P<a>(?:~|about |around |approximately |nearly |over |"
                         rf"more than |less than |under )?){word}", t, re.I)
        if m:
            a = m.group("a").strip().lower()
            bound = ("upper" if a in ("less than", "under") else "lower"
                     if a in ("over", "more than") else "approximate" if a else "exact")
            return Number(float(v), bound, text)
    m = NUMBER_RE.search(t)
    return _number_from_match(m) if m else None


def _is_range(sentence: str, start: int, end: int) -> bool:
    return bool(_RANGE_AFTER.match(sentence[end:end + 12])
                or _RANGE_BEFORE.search(sentence[max(0, start - 14):start]))


def sentence_figures(sentence: str) -> list[Hit]:
    """The figures one sentence discloses, in order of position.

    Parameters
    ----------
    sentence : str
        One sentence of prose (line breaks already joined).

    Returns
    -------
    list of Hit
        Each with the glossary field, value, registry unit, bound and the span of the
        number in ``sentence``; upper bounds are included (``bound == "upper"``).

    Examples
    --------
    >>> [h.value for h in sentence_figures("We pre-train X-1 on 14.8 trillion diverse tokens.")]
    [14800000000000.0]
    >>> sentence_figures("It supports a context length of 128K tokens.")
    []
    """
    if _HYPOTHETICAL.search(sentence):
        return []
    out: list[Hit] = []
    claimed: list[tuple[int, int]] = []
    rate = bool(RATE_RE.search(sentence))
    c = CITED_RE.search(sentence)
    cited_at = c.start() if c else None
    for field, pattern, unit in PROSE_PATTERNS:
        for m in pattern.finditer(sentence):
            group = "n" if m.group("n") is not None else "n2"
            span = m.span(group)
            if any(a < span[1] and span[0] < b for a, b in claimed):
                continue
            hit = _hit(field, m, group, unit, sentence, rate, cited_at)
            if hit is None:
                continue
            claimed.append(m.span())
            out.append(hit)
    out += _enumerated_tokens(sentence, out, claimed)
    out += _stage_list(sentence, out, claimed)
    return sorted(out, key=lambda h: h.start)


def _list_items(pattern: re.Pattern[str], sentence: str, start: int,
                claimed: list[tuple[int, int]]) -> Iterator[tuple[re.Match[str], Number, str]]:
    """The later items of a list that an earlier hit (at ``start``) begins: each match of
    ``pattern`` whose number (group ``n``) is at or after ``start``, overlaps no claimed span
    and parses, with the parsed number and the sentence context around it."""
    for m in pattern.finditer(sentence):
        a, b = m.span("n")
        if a < start or any(x < b and a < y for x, y in claimed):
            continue
        num = _number(m.group("n"))
        if num is None:
            continue
        yield m, num, sentence[max(0, a - 60):m.end() + 40].strip()


_STAGE_ITEM_RE = re.compile(r"(?P<stage>pre-?training|post-?training|context (?:length )?"
                            r"extension|fine-?tuning|SFT|RL)\s+(?:took\s+|of\s+|:\s*)?"
                            r"(?<![\w.])(?P<n>\d+(?:\.\d+)?\s?(?-i:[KMB]))(?![\w])", re.I)


def _stage_list(sentence: str, hits: list[Hit], claimed: list[tuple[int, int]]) -> list[Hit]:
    """``Pre-training took 2,664K GPU-hours, context extension 119K and post-training 5K``:
    the bare counts after a stage name continue the GPU-hours list."""
    gh = [h for h in hits if h.field in ("accelerator_hours",
                                         "accelerator_hours_per_trillion_tokens")]
    if not gh:
        return []
    out = []
    for m, num, context in _list_items(_STAGE_ITEM_RE, sentence, gh[0].start, claimed):
        stage = m.group("stage").lower().replace("pre-training", "pretraining")
        stage = re.sub(r"context (?:length )?extension", "context extension", stage)
        out.append(Hit(gh[0].field, num.value, "h", num.bound, *m.span("n"), context, stage))
    return out


_ENUM_RE = re.compile(r"(?<![\w.,$])(?P<n>\d+(?:\.\d+)?\s?(?-i:[KMBT]))\s+for\s+(?:the\s+)?", re.I)


def _enumerated_tokens(sentence: str, hits: list[Hit], claimed: list[tuple[int, int]]
                       ) -> list[Hit]:
    """``14T tokens for Gemma 3 27B, 12T for the 12B version``: the later counts of the
    enumeration are token counts too."""
    tok = [h for h in hits if h.field == "n_tokens"]
    if not tok:
        return []
    return [Hit("n_tokens", num.value, "dimensionless", num.bound, *m.span("n"), context)
            for m, num, context in _list_items(_ENUM_RE, sentence, tok[0].start, claimed)
            if not _VERSUS.search(sentence[tok[0].end:m.start()])]


# "1T tokens like LLaMA vs. 300B for Pythia": what follows a comparison is other models'
_VERSUS = re.compile(r"\bvs\b\.?|\bversus\b|\bcompared (?:to|with)\b|\bthan\b", re.I)


def _hit(field: str, m: re.Match[str], group: str, unit: str, sentence: str,
         rate: bool, cited_at: int | None = None) -> Hit | None:
    start, end = m.span(group)
    cited = cited_at is not None and cited_at < start
    raw = m.group(group)
    scope = None
    if field == "accelerator_count" and m.groupdict().get("ver"):
        cores = int(raw)
        k = m.group("k") or "1"
        k = int(k) if k.isdigit() else SMALL_WORDS.get(k.lower(), 1)
        per_chip = 1 if m.group("ver").lower() in ("v5e", "v6e") else 2
        return Hit(field, float(k * cores // per_chip), "dimensionless", "exact", start, end,
                   sentence[max(0, start - 60):m.end() + 40].strip())
    if field == "emissions" and unit == "{u}CO2e" and not re.search(
            r"co\s*2|emission|carbon", sentence, re.I):
        return None  # "14.6 t" is a mass of CO2 only in a sentence about emissions
    if field == "accelerator_power" and re.search(r"TDP|thermal design|nameplate", sentence):
        return None  # a nameplate power is not the power drawn
    if field == "accelerator_count":
        nums = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", raw)]
        if m.groupdict().get("m"):
            nums.append(int(m.group("m")))
        value = 1.0
        for x in nums:
            value *= x
        if _PER_NODE.search(sentence) and len(nums) == 1:
            return None
        if re.search(r"\bin reserve\b|\bspare\b|\bbackup\b|\bstand-?by\b", sentence, re.I):
            return None  # "Additional 32 A100 GPUs (4 nodes) in reserve": not used to train
        if value < 1 or re.match(r"\s*G(?:B|iB)?\b", sentence[end:]):
            return None  # "80GB A100": memory, not a count
        upto = re.search(r"\b(?:up to|at most|as many as)\s+$", sentence[max(0, start - 16):start],
                         re.I)
        num = Number(value, "upper" if upto else "exact", raw)  # "up to 4,096 GPUs"
    else:
        num = _number(raw)
    if num is None:
        return None
    if _is_range(sentence, start, end):
        return None
    value, u = num.value, unit.format(u=(m.groupdict().get("u") or "").lower().rstrip("s"))
    u = {"tonneCO2e": "tCO2e", "tonCO2e": "tCO2e", "kw": "kW", "w": "W"}.get(u, u)
    if unit == "{u}":
        u = unit.format(u=m.groupdict().get("u") or "")
    if field == "mfu":
        value, u = value / 100.0, "dimensionless"
    if field == "achieved_throughput":
        if re.search(r"\bpeak\b|theoretical|datasheet|\bspec", sentence[max(0, start - 50):start],
                     re.I):
            return None  # a chip's peak is no throughput achieved in training
        u = f"{m.group('u').upper()}FLOP/s"  # TFLOP/s, PFLOP/s: the prefix keeps its case
    if field == "accelerator_hours" and rate:
        field = "accelerator_hours_per_trillion_tokens"
    if field in ("n_parameters", "n_active_parameters", "n_tokens") and not num.suffixed and not (
            num.value >= 1e8 and re.search(r"\d,\d{3},\d{3}", raw)):
        return None  # "12 layers", "4096 tokens" of context: not sizes ("176,247,271,424" is)
    if field == "n_tokens" and re.search(r"\bunique\b", m.group(0), re.I):
        return None  # "350B unique tokens": the dataset's size, not the tokens trained on
    if field == "n_tokens" and not (_training_tokens(sentence, start, end) or (
            cited and not _TOKEN_NOISE.search(sentence[max(0, start - 40):end + 40]))):
        return None  # a quoted token count needs no training verb: it is kept as cited
    if field in ("n_parameters", "n_active_parameters", "n_tokens") and (
            _CITATION.search(sentence) or _SIZE_NOISE.search(sentence)
            or _PART_BEFORE.search(sentence[max(0, start - 12):start])
            or _inside_quotes(sentence, start)):
        return None
    if field == "n_tokens" and _SUBSET_TOKENS.match(sentence[end:end + 30]):
        return None
    if field == "accelerator_count" and re.search(r"deploy\w*|prefill\w*|decod\w*|inference|"
                                                  r"serving|\bserve\b", sentence, re.I):
        return None
    if field == "cost" and not num.suffixed and num.value < 1000:
        return None
    if field == "training_duration":
        if not _DURATION_CONTEXT.search(sentence):
            return None
        if u.lower().startswith("hour") and not re.search(r"\btrain\w*|took\b", sentence, re.I):
            return None
        if rate:
            scope = "per trillion tokens"
    if field == "training_compute" and value < 1e15:
        return None
    if field in ("accelerator_hours", "training_duration") and value <= 0:
        return None  # "for 0 days": no run to audit
    if field == "emissions" and (printed := m.groupdict().get("u")):
        u = unit_of(printed) or u  # "tons of CO2eq", "kgs of CO2eq" -> tCO2e, kgCO2e
    if u != "dimensionless":
        try:
            u = f"{parse_unit(u):~}"
        except UnitError:
            return None  # a unit this reader does not know: no figure (never a wrong one)
    lo = max(0, start - 60)
    return Hit(field, value, u, num.bound, start, end,
               sentence[lo:m.end() + 40].strip(), scope, cited)


def _inside_quotes(sentence: str, at: int) -> bool:
    """True when position ``at`` lies inside a quotation ("...")."""
    before = sentence[:at]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _training_tokens(sentence: str, start: int, end: int) -> bool:
    """A token count that a training verb governs and that is not a noise quantity."""
    before = sentence[max(0, start - 90):start]
    if not _TRAIN_VERB.search(before):
        return False
    near = sentence[max(0, start - 40):min(len(sentence), end + 40)]
    return not _TOKEN_NOISE.search(near)


__all__ = ["CITED_RE", "PROSE_PATTERNS", "RATE_RE", "Hit", "sentence_figures"]
