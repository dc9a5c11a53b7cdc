"""How the corpus answer key writes units, model names and places, and when an extracted
figure's unit, name and place match them (the scoring rule of ../shared/corpus/README.md).

:func:`parse_answer_unit` reads the key's unit notation ("GPU-hours", "tCO2eq", "B tokens",
"GPU-hours per trillion tokens"); :func:`normalise_name` and :func:`section_matches` decide
whether an extracted model and place are the key's.  Used by :mod:`audit.evaluate`; kept apart
from the extractor's own parsers on purpose, so that the scorer does not share the code it
scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pint

from audit.errors import UnitError
from audit.units import FIELD_UNITS, parse_unit, ureg

_COUNT_WORDS = {
    "parameters", "parameter", "params", "tokens", "token", "gpu", "gpus", "tpu", "tpus",
    "chip", "chips", "accelerator", "accelerators", "devices", "device", "models", "model",
    "count", "ratio", "fraction", "x", "dimensionless",
}
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9,
                "billion": 1e9, "t": 1e12, "trillion": 1e12}
_RATE_RE = re.compile(
    r"\s*(?:\bper\b|/)\s*(?P<n>\d+(?:\.\d+)?(?:e[+-]?\d+)?)?\s*"
    r"(?P<mult>k|m|b|t|thousand|million|billion|trillion)?\s*tokens?\s*$", re.I)
_CHIP_PREFIX_RE = re.compile(
    r"^\s*(?:nvidia\s+)?(?:a100|h100|h800|h20|v100|a800|mi250x?|mi300x?|tpu\s*v\d\w*)"
    r"(?:[\s-]+\d+\s*gb)?\s+(?=gpu|chip|accelerator|hour)", re.I)
_SIZE_RE = re.compile(r"^\d+(?:\.\d+)?[kmbt]$|^\d+x\d+(?:\.\d+)?[mbt]$")
_OWNER_RE = re.compile(r"^[A-Za-z][\w.-]*/(?P<name>\S.*)$")


def parse_answer_unit(unit: str | None, field_name: str) -> tuple[pint.Unit, float | None]:
    """Parse a unit as the answer key (or an extractor) writes it.

    Parameters
    ----------
    unit : str or None
        Unit text such as ``"GPU-hour"``, ``"tCO2eq"``, ``"TPU chips"``,
        ``"tokens (lower bound)"``, ``"GPU-hour per 1e12 tokens"``.  Empty or None is
        dimensionless for a dimensionless field.
    field_name : str
        Glossary field the unit belongs to; used for empty units.

    Returns
    -------
    unit : pint.Unit
        The registry unit (the numerator of a per-tokens rate).
    per_tokens : float or None
        The token denominator of a rate [tokens] (``1e12`` for "per 1e12 tokens" or "per
        trillion tokens", ``3e11`` for "per 300B tokens"), None if the unit is no rate.

    Raises
    ------
    UnitError
        If the unit does not parse, or is empty for a field that has a dimension.

    Examples
    --------
    >>> parse_answer_unit("GPU-hour per 1e12 tokens", "accelerator_hours_per_trillion_tokens")
    (<Unit('hour')>, 1000000000000.0)
    >>> parse_answer_unit("TPU chips", "accelerator_count")
    (<Unit('dimensionless')>, None)
    """
    s = (unit or "").strip()
    s = re.sub(r"\([^()]*\)", " ", s).strip()  # "(lower bound)", "(GPU-hours implied)"
    per_tokens = None
    m = _RATE_RE.search(s)
    if m and s[: m.start()].strip():
        n = float(m.group("n")) if m.group("n") else 1.0
        mult = _MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
        per_tokens = n * mult
        s = s[: m.start()].strip()
    s = _CHIP_PREFIX_RE.sub("", s).strip()
    words = re.split(r"[\s-]+", s.lower()) if s else []
    if not s or all(w in _COUNT_WORDS for w in words):
        expected = FIELD_UNITS.get(field_name, "dimensionless")
        if not s and expected != "dimensionless":
            raise UnitError(f"{field_name}: no unit given; a {expected} unit is needed")
        return ureg.dimensionless, per_tokens
    return parse_unit(s), per_tokens


def normalise_name(name: str) -> tuple[tuple[str, ...], ...]:
    """Normalise a model or row name into its token forms for row matching.

    Parameters
    ----------
    name : str
        A model name as printed or as the answer key labels it.

    Returns
    -------
    tuple of tuple of str
        The main form first (remarks in parentheses and an ``owner/`` prefix removed, lower
        case, hyphens, underscores and punctuation turned into spaces, dots kept only between
        digits, "1.0b" written "1b"), then a parenthetical remark that carries exactly one
        size token and is not a list (no comma, semicolon or colon), as an alias.

    Examples
    --------
    >>> normalise_name("LLaMA-7B")
    (('llama', '7b'),)
    >>> normalise_name("Pythia-1.0B (quoted by TinyLlama)")
    (('pythia', '1b'),)
    >>> normalise_name("bigscience/bloom (BLOOM 176B)")
    (('bloom',), ('bloom', '176b'))
    """
    remarks = re.findall(r"[(\[]([^()\[\]]*)[)\]]", name or "")
    main = re.sub(r"[(\[][^()\[\]]*[)\]]", " ", name or "").strip()
    owner = _OWNER_RE.match(main)
    if owner:
        main = owner.group("name")
    forms = [_tokens(main)]
    for r in remarks:  # "(BLOOM 176B)" is another name; "(3B, 8B, 20B; aggregate)" is not
        t = _tokens(r)
        if (sum(bool(_SIZE_RE.match(x)) for x in t) == 1 and not re.search(r"[,;:]", r)
                and t not in forms):
            forms.append(t)
    return tuple(f for f in forms if f) or ((),)


def _tokens(text: str) -> tuple[str, ...]:
    s = text.lower()
    s = re.sub(r"(?<=\d)\.(?=\d)", "\u0000", s)  # keep 3.1, 1.1b
    s = re.sub(r"[^0-9a-z\u0000]+", " ", s)
    s = re.sub(r"(?<=\d) (?=[kmbt]\b)", "", s)  # "7 b" -> "7b"
    s = re.sub(r"(?<=\d)\u00000+(?=[kmbt]\b)", "", s)  # "1.0b" -> "1b"
    return tuple(s.replace("\u0000", ".").split())


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return 0 < n <= len(long) and any(long[i:i + n] == short
                                      for i in range(len(long) - n + 1))


def name_rank(extracted: str, answer: str) -> int | None:
    """0 for the same name, 1 for containment with a shared size token, else None."""
    ex, an = normalise_name(extracted), normalise_name(answer)
    if any(a == b for a in ex for b in an if a):
        return 0
    for a in ex:
        for b in an:
            if not (_contains(a, b) or _contains(b, a)):
                continue
            if {t for t in a if _SIZE_RE.match(t)} & {t for t in b if _SIZE_RE.match(t)}:
                return 1
    return None


def _section_words(text: str | None) -> str:
    s = re.sub(r"<[^>]+>", "", text or "")
    s = re.sub(r"[^0-9a-z]+", " ", s.lower())
    return " ".join(s.split())


def section_matches(extracted: str | None, answer_sections: Iterable[str | None]) -> bool:
    """Loose comparison of a card section (the :mod:`audit.evaluate` docstring, rule 4).

    Parameters
    ----------
    extracted : str or None
        The heading text the extracted figure sits under (e.g. ``"Carbon Footprint"``), or a
        ``>``-separated heading path.
    answer_sections : iterable of str or None
        The answer's section descriptions; one that names no heading (no ``#`` or ``**``
        markup, e.g. ``"intro paragraph (line 4)"``) is treated as missing.

    Returns
    -------
    bool
        True when the normalised heading (or its last component) occurs as whole words in an
        answer section, when an answer section's head occurs in the heading, or when either
        side is missing.

    Examples
    --------
    >>> section_matches("Carbon Footprint",
    ...                 ["# **Hardware and Software** > **Carbon Footprint** (table: ...)"])
    True
    >>> section_matches("Model Details", ["## Hardware and Software (HTML table: ...)"])
    False
    >>> section_matches("YaLM 100B", ["intro paragraph (line 4)"])
    True
    """
    answers = [a for a in answer_sections
               if a and _section_words(a) and re.search(r"#|\*\*", a)]
    ext = _section_words(extracted)
    if not ext or not answers:
        return True
    parts = re.split(r"\s*>\s*", extracted or "")
    candidates = {ext, _section_words(parts[-1])} - {""}
    for a in answers:
        padded = f" {_section_words(a)} "
        if any(f" {c} " in padded for c in candidates):
            return True
        head = _section_words(a.split("(", 1)[0])
        if head and f" {head} " in f" {ext} ":
            return True
    return False


def answer_sections(figure_section: str | None, row_section: str | None) -> tuple[str, ...]:
    """The card sections an answer figure may be found under (the :mod:`audit.evaluate`
    docstring, rule 4)."""
    own = figure_section or row_section
    if not own:
        return ()
    if own.lstrip().startswith("**") and row_section and row_section != own:
        return (own, row_section)
    return (own,)


__all__ = ["answer_sections", "name_rank", "normalise_name", "parse_answer_unit", "section_matches"]
