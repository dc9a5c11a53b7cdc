"""Which model a figure belongs to: names, the report's own model, and mentions in prose.

A report has a *main model* (from its title, else the model its first paragraphs name most)
and is *about several models* when its title says "Models" / "family", when two or more
rows of its cost tables belong to one family (LLaMA-7B ... LLaMA-65B), or when a sentence
giving a cost speaks of "our models" / "all 12 ... models".  Prose figures then go, in this
order, to:

1. the model named right after the number in an enumeration (``14T tokens for Gemma 3 27B,
   12T for the 12B version``);
2. the model paired by ``respectively`` (``X and Y incur $294K and $535K respectively``);
3. the model mentioned nearest before the number in the sentence (``DeepSeek 67B requires
   300.6K GPU hours, while DeepSeek-V2 needs only 172.8K``), or the only model after it;
   a mention may be a full name (``LLaMA-65B``, ``DeepSeek R1``), a size that names one of
   the report's models (``a 65B-parameter model``, ``the 12B version``), or a plural
   (``our models``: the report's aggregate);
4. the model of the previous sentence when this one opens with an anaphor (``This means
   that ...``, ``In that time it ...``);
5. the report's subject: its main model, or its document-level aggregate.

A figure whose nearest mention is another family named without a size (``BLOOM uses a grid
that ...`` in the LLaMA paper, whose table has BLOOM-175B) belongs to some model of that
family, not to the report: it is dropped, with an ``AMBIGUOUS_MODEL`` warning.

Names are compared by :func:`canon` (case, spaces, hyphens and remarks in parentheses
ignored, ``1B-A400M`` = ``1B-400M``), so that one model spelt two ways in two tables is one
model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from audit.extract.tables import SIZE_RE, RowResult
from audit.records import Warning_

_WORD = r"[A-Z][A-Za-z]*(?:\d+(?:\.\d+)*[A-Za-z]*)?"
_PART = (r"(?:[Vv]\d+(?:\.\d+)?|[A-Z]\d+(?:\.\d+)?|\d+(?:\.\d+)?x\d+(?:\.\d+)?[BM]|"
         r"\d+(?:\.\d+)?[BMK](?:-A?\d+(?:\.\d+)?[BM])?|\d+(?:\.\d+)?[a-z]?)")
# a name may go on with hyphenated words after its version: DeepSeek-V2-Lite, Qwen2.5-Math-1.5B
MODEL_RE = re.compile(rf"(?<![\w.])(?P<name>{_WORD}(?: {_WORD})?(?:[- ]{_PART})*"
                      rf"(?:-[A-Z][A-Za-z]+(?:-{_PART})*)*)(?![\w])(?!\s*%)")
# chip, precision and unit codes that look like names: SXM4, FP8, CO2, H100, TPUv4 ...
_CODE_RE = re.compile(r"^[A-Z]{1,4}\d+[a-z]?$|CO2|TPU|GPU|\bTDP\b|^Cloud\b|^[A-Z][a-z]+ \d{1,2}$")
_STOP = re.compile(
    r"^(?:Table|Figure|Fig|Section|Appendix|Eq|Equation|Step|Stage|Top|Version|Model|Models|Page|Phase|"
    r"Level|Round|Part|Chapter|Layer|In|On|At|By|Since|From|To|For|Of|And|The|A|An|We|Our|"
    r"This|That|It|Its|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|"
    r"March|April|June|July|August|September|October|November|December|CO\d?\w*|FP\d*|BF\d*|INT\d*|TF\d*|"
    r"NVIDIA|AMD|Google|TPU|GPU|GPUs|MWh|kWh|GWh|MMLU|GSM|AIME|HMMT|MATH|HumanEval|MBPP|"
    r"LiveCodeBench|Codeforces|Python|SFT|RL|DPO|PPO|RLHF|MoE|MLA|MTP|BPE|API|US|EU|USD|"
    r"Tbps|Gbps|PCIe|SXM|NVLink|ZeRO|Intel|Xeon|Apache|Llama\.cpp|TDP|Cloud|Assume|Using|"
    r"Training|Log|Run|Tracker|Peak|Gaudi\d*|Trainium\d*|Inferentia\d*|IPU|CS-?\d*|WSE-?\d*)\b")
_AGGREGATE_RE = re.compile(
    r"\b(?:(?:our|all\s+(?:of\s+)?our|all\s+\d+)\s+(?:[\w.-]+\s+){0,3}?models\b|"
    r"in aggregate\b)", re.I)
# Models that are not the report's: "two small MoE models", "three models", "other models".
_OTHER_MODELS_RE = re.compile(
    r"\b(?:two|three|four|five|several|other|baseline|smaller|larger)\s+(?:[\w-]+\s+){0,3}?"
    r"models\b", re.I)
_DOC_LEVEL_RE = re.compile(r"\b(?:in total|in all|(?:total|cumulative)\s+(?:[\w-]+\s+){0,3}?"
                           r"(?:costs?|emissions|gpu|hours|energy|compute|training|time))\b",
                           re.I)
_SIZE_REF_RE = re.compile(
    r"\b(?:(?:a|the|our)\s+)?(?P<size>\d+(?:\.\d+)?[BM])(?:[- ]param(?:eter)?s?)?"
    r"(?:\s+(?:dense|MoE|sparse|base))?\s+(?:model|version|variant)(?P<plural>s)?\b"
    r"|\bthe\s+(?P<size2>\d+(?:\.\d+)?[BM])\b", re.I)
_ANAPHOR_RE = re.compile(r"^\W*(?:this|these|that|it|its|they|consequently|thus|hence|"
                         r"therefore|in that time|as a result)\b", re.I)


@lru_cache(maxsize=4096)
def canon(name: str) -> str:
    """Key for comparing model names (``Granite 3.0 1B-A400M`` = ``granite301b400m``).

    Examples
    --------
    >>> canon("Granite 3.0 1B-A400M") == canon("Granite-3.0 1B-400M")
    True
    >>> canon("Cerebras-GPT 1.3B") == canon("Cerebras-GPT 13B")
    False
    """
    n = re.sub(r"\(.*?\)|\[.*?\]", "", name)
    n = re.sub(r"^[A-Za-z0-9_.-]+/(?=\S)", "", n.strip())  # owner/ prefix
    n = re.sub(r"(?<=\d)\.0+(?=[bm]\b)", "", n, flags=re.I)  # 1.0B -> 1B
    n = re.sub(r"(?<=\d)\.(?=\d)", "p", n)  # 1.3B is not 13B: the decimal point stays
    n = re.sub(r"[\s\-_.,/]+", "", n).lower()
    return re.sub(r"(?<=\d[bm])a(?=\d)", "", n)


def size_token(name: str) -> str | None:
    """The size token of a model name (``LLaMA-65B`` -> ``65B``), None if it has none."""
    m = SIZE_RE.search(name or "")
    return m.group(0) if m else None


def size_value(tok: str | None) -> float | None:
    """``6.7B`` -> 6.7e9 (the first size of ``1B-A400M``)."""
    if not tok:
        return None
    m = re.match(r"(\d+(?:\.\d+)?)([BMK])", tok)
    return float(m.group(1)) * {"B": 1e9, "M": 1e6, "K": 1e3}[m.group(2)] if m else None


def family_of(name: str) -> str:
    """A name without its size token (``LLaMA-65B`` -> ``LLaMA``)."""
    return re.sub(r"[\s-]*" + SIZE_RE.pattern + r"\s*$", "", re.sub(r"\(.*?\)", "", name)
                  ).strip(" -")


@dataclass(frozen=True)
class Mention:
    """A model named in a sentence: ``kind`` model, aggregate, doc (a total) or foreign."""

    start: int
    end: int
    kind: str
    name: str | None = None


@dataclass
class Models:
    """The models of one report, for naming table rows and attributing prose."""

    main: str | None
    family: str | None
    multi: bool
    known: dict[str, str] = field(default_factory=dict)  # canon -> display name
    sizes: dict[str, str] = field(default_factory=dict)  # canon -> size token
    is_accelerator: Callable[[str], bool] = lambda s: False
    notes: list[Warning_] = field(default_factory=list)

    @property
    def aggregate(self) -> str:
        """Name of the document-level aggregate slot."""
        return f"{self.family or self.main or 'report'} (document)"

    def add(self, name: str, size: str | None = None) -> None:
        """Make ``name`` (of size ``size``, else the size in the name) a known model."""
        key = canon(name)
        if key and key not in self.known:
            self.known[key] = name
            tok = size or size_token(name)
            if tok:
                self.sizes[key] = tok

    def foreign_families(self) -> set[str]:
        """Families of known models other than the report's own (``BLOOM``, ``OPT``)."""
        fams = {family_of(n) for n in self.known.values()}
        own = canon(self.family or self.main or "")
        return {f for f in fams if f and canon(f) != own and not canon(f).startswith(own or "#")
                and not (own and own.startswith(canon(f)))}

    # ---- table rows ------------------------------------------------------------------
    def row_name(self, r: RowResult) -> tuple[str, str]:
        """(name, kind) of a table row, resolved against the report's models."""
        if r.kind == "aggregate":
            return r.name, "aggregate"
        if r.kind == "main":
            ctx = self._context_model(r.context)
            if ctx:
                return ctx, "model"
            return (self.main, "model") if self.main and not self.multi else (
                self.aggregate, "aggregate")
        label = re.sub(r"\s*\(.*?\)\s*", " ", r.name).strip()
        size = r.size
        if not label and size:  # a row known only by its size: the report's model of it
            hit = self._by_size(size, self.family) if self.family else self._by_size(size)
            return hit or f"{self.family or ''} {size}".strip(), "model"
        if SIZE_RE.fullmatch(label):
            fam = f"{self.family} {label}" if self.family else label
            return self.known.get(canon(fam)) or self._by_size(label, self.family) or fam, "model"
        own_family = self.multi and canon(label) == canon(self.family or self.main or "#")
        if canon(label) in self.known and not own_family:
            return self.known[canon(label)], "model"
        if size:
            if canon(f"{label} {size}") in self.known:
                return self.known[canon(f"{label} {size}")], "model"
            hit = self._by_size(size, family_of(label) or label)
            if hit:
                return hit, "model"
            if self.family and canon(family_of(label)) == canon(self.family):
                return f"{self.family} {size}", "model"
        if canon(label) in self.known:
            return self.known[canon(label)], "model"
        if self.main and canon(label) and canon(self.main).startswith(canon(label)) and (
                size is None or canon(size) in canon(self.main)):
            return self.main, "model"
        return r.name, "model"

    def _by_size(self, size: str, family: str | None = None) -> str | None:
        """The known model whose size is within 10 % of ``size`` (of ``family`` if given)."""
        v = size_value(size)
        best = None
        for key, tok in self.sizes.items():
            if family and not key.startswith(canon(family)):
                continue
            w = size_value(tok)
            if v and w and abs(v - w) <= 0.1 * w and (best is None or abs(v - w) < best[0]):
                best = (abs(v - w), self.known[key])
        return best[1] if best else None

    def _context_model(self, context: str | None) -> str | None:
        """The model a sub-heading names (another version of the main model: its family)."""
        if not context:
            return None
        for m in MODEL_RE.finditer(context):
            name = m.group("name")
            if not _looks_like_model(name, self.is_accelerator):
                continue
            if self.main and canon(name) == canon(self.main):
                return self.main
            fam = family_of(re.sub(r"[\s-]+[Vv]\d+(?:\.\d+)?$", "", name))
            main_fam = re.sub(r"[\s-]+[Vv]\d+(?:\.\d+)?$", "", self.main or "")
            if self.main and canon(fam) == canon(main_fam):
                # "Stable Diffusion v1" in the v2 card: which version is not sure; the family
                self.notes.append(Warning_(
                    "AMBIGUOUS_VERSION", f"figures under {context!r} name {name}, but the "
                    f"document is about {self.main}; attributed to the family {main_fam}",
                    model=main_fam))
                return main_fam
            return name
        return None

    # ---- prose -----------------------------------------------------------------------
    def mentions(self, sentence: str) -> list[Mention]:
        """Models named in a sentence, in order."""
        out: list[Mention] = []
        for m in _AGGREGATE_RE.finditer(sentence):
            out.append(Mention(m.start(), m.end(), "aggregate"))
        for m in _SIZE_REF_RE.finditer(sentence):
            if m.group("plural"):  # "2B and 8B parameter models": several of ours
                out.append(Mention(m.start(), m.end(), "aggregate"))
        for m in _OTHER_MODELS_RE.finditer(sentence):
            out.append(Mention(m.start(), m.end(), "foreign", m.group(0)))
        taken = [(m.start, m.end) for m in out]

        def free(a: int, b: int) -> bool:
            return not any(x < b and a < y for x, y in taken)

        flat = _flatten(sentence)
        for key, name in sorted(self.known.items(), key=lambda kv: -len(kv[0])):
            for a, b in _find_canon(sentence, key, flat):
                if free(a, b):
                    out.append(Mention(a, b, "model", name))
                    taken.append((a, b))
        for m in MODEL_RE.finditer(sentence):
            a, b = m.span("name")
            name = m.group("name")
            if not free(a, b) or not _looks_like_model(name, self.is_accelerator):
                continue
            if self.main and canon(name) == canon(self.family or ""):
                out.append(Mention(a, b, "doc"))
            else:
                out.append(Mention(a, b, "model", name))
            taken.append((a, b))
        for m in _SIZE_REF_RE.finditer(sentence):
            a, b = m.span()
            if not free(a, b):
                continue
            name = self.by_size_ref(m.group("size") or m.group("size2"))
            if name:
                out.append(Mention(a, b, "model", name))
                taken.append((a, b))
        for fam in self.foreign_families():
            for a, b in _find_word(sentence, fam):
                if free(a, b):
                    out.append(Mention(a, b, "foreign", fam))
                    taken.append((a, b))
        for m in _DOC_LEVEL_RE.finditer(sentence):
            if free(*m.span()):
                out.append(Mention(m.start(), m.end(), "doc"))
        return sorted(out, key=lambda x: x.start)

    def by_size_ref(self, size: str | None) -> str | None:
        """The report's model of this size (``the 12B version``), if exactly one."""
        if not size:
            return None
        if self.main and canon(size_token(self.main) or "#") == canon(size):
            return self.main
        hits = {self.known[k] for k, tok in self.sizes.items() if canon(tok) == canon(size)
                and (not self.family or k.startswith(canon(self.family)))}
        return hits.pop() if len(hits) == 1 else None

    def target(self, m: Mention | None) -> tuple[str, str] | None:
        """(slot name, kind) of a mention; None for a foreign family."""
        if m is None:
            return self.subject()
        if m.kind == "foreign":
            return None
        if m.kind == "aggregate":
            return self.aggregate, "aggregate"
        if m.kind == "doc" or (self.multi and canon(m.name or "") == canon(self.main or "#")):
            return self.subject()
        return m.name, "model"

    def subject(self) -> tuple[str, str]:
        if self.multi or not self.main:
            return self.aggregate, "aggregate"
        return self.main, "model"


def _looks_like_model(name: str, is_accelerator: Callable[[str], bool],
                      title: bool = False) -> bool:
    """A model name has a version or size digit and is no chip, unit, year or common word
    followed by a number ("Table 2", "Assume 35")."""
    if not re.search(r"\d", name) or _STOP.match(name) or is_accelerator(name):
        return False
    if re.search(r"\b(?:19|20)\d\d$", name):
        return False
    if _CODE_RE.search(name) and not (title and re.match(r"^[A-Z][a-z]+ \d{1,2}$", name)):
        return False
    return True


def _flatten(sentence: str) -> tuple[str, list[int]]:
    """A sentence's letters and digits, lower-cased, and the index of each in the sentence;
    a decimal point between digits is kept as ``p``, as :func:`canon` keeps it."""
    n = len(sentence)
    index = [i for i, ch in enumerate(sentence) if ch.isalnum() or (
        ch == "." and 0 < i < n - 1 and sentence[i - 1].isdigit() and sentence[i + 1].isdigit())]
    return "".join("p" if sentence[i] == "." else sentence[i] for i in index).lower(), index


def _find_canon(sentence: str, key: str, flattened: tuple[str, list[int]]
                ) -> list[tuple[int, int]]:
    """Spans of ``sentence`` whose canonical form is ``key`` (word boundaries kept);
    ``flattened`` is :func:`_flatten` of the sentence."""
    if not key:
        return []
    flat, index = flattened
    out = []
    start = flat.find(key)
    while start >= 0:
        a, b = index[start], index[start + len(key) - 1] + 1
        before = sentence[a - 1] if a > 0 else " "
        after = sentence[b] if b < len(sentence) else " "
        nxt = sentence[b + 1] if b + 1 < len(sentence) else " "
        if not before.isalnum() and not (after.isalnum() or after == "." and nxt.isdigit()
                                         or after == "-" and nxt.isalpha()):
            out.append((a, b))
        start = flat.find(key, start + 1)
    return out


def _find_word(sentence: str, word: str) -> list[tuple[int, int]]:
    pat = r"(?<![\w-])" + r"[\s-]*".join(map(re.escape, word.split())) + r"(?![\w-])"
    return [m.span() for m in re.finditer(pat, sentence)]


def pick(hit_start: int, hit_end: int, sentence: str, mentions: list[Mention],
         index: int, same_field: list[int]) -> Mention | None | bool:
    """The mention a figure at ``[hit_start, hit_end)`` belongs to.

    Returns a Mention, None (no mention: the caller falls back), or False when the sentence
    is about several models and none is nearer than another after the figure.
    """
    after = sentence[hit_end:hit_end + 40]
    enum = re.match(r"^\s*(?:[a-z]+\s+){0,2}?for\s+(?:the\s+)?", after)
    if enum:
        at = hit_end + enum.end()
        for m in mentions:
            if m.start == at or (m.start <= at < m.end):
                return m
    models = [m for m in mentions if m.kind in ("model", "foreign")]
    if re.search(r"\brespectively\b", sentence) and len(models) == len(same_field) > 1:
        return models[same_field.index(index)]
    before = [m for m in mentions if m.end <= hit_start]
    if before:
        return before[-1]
    later = {(m.kind, m.name) for m in mentions if m.start >= hit_end}
    if len(later) == 1:
        return next(m for m in mentions if m.start >= hit_end)
    return None if not later else False


def is_anaphor(sentence: str) -> bool:
    """A sentence that continues the previous one's subject (``This means ...``)."""
    return bool(_ANAPHOR_RE.match(sentence))


def main_model(title: str | None, passages_text: list[str],
               is_accelerator: Callable[[str], bool]) -> tuple[str | None, bool]:
    """The report's main model and whether its title speaks of several models.

    Parameters
    ----------
    title : str or None
        The document title (PDF: the largest type on page 1; card: the first heading).
    passages_text : list of str
        The first paragraphs, for documents whose title names no model.
    is_accelerator : callable
        ``is_accelerator(text) -> bool``, so that ``A100`` is never taken for a model.

    Returns
    -------
    (str or None, bool)
    """
    plural = bool(title and re.search(r"\bmodels\b|\bfamily\b", title, re.I))
    if title:
        owner = re.fullmatch(r"\s*([\w.-]+/[\w.-]+)\s*", title)
        if owner:
            return owner.group(1), plural
        for m in MODEL_RE.finditer(title):
            name = m.group("name")
            if _looks_like_model(name, is_accelerator, title=True):
                return re.sub(r"\s+(?:Model|Technical|Report)$", "", name), plural
        head = re.split(r"[:—–|]", title)[0]
        head = re.sub(r"\b(?:technical report|model card|readme|language models?|models?|"
                      r"foundation|open|and|efficient)\b", " ", head, flags=re.I).strip(" ,-")
        if head and len(head.split()) <= 3 and re.match(r"[A-Z]", head):
            return head, plural
    counts: Counter[str] = Counter()
    for text in passages_text[:3]:
        for m in MODEL_RE.finditer(text):
            name = m.group("name")
            if not _looks_like_model(name, is_accelerator) or _COMPARED.search(
                    text[max(0, m.start() - 30):m.start()]):
                continue  # "resembles that of GPT-3", "differs from GPT-3": another model
            # the subject of a card's opening sentence ("GPT-NeoX-20B is a ...") is its model
            counts[name] += 3 if not text[:m.start()].strip(" *#_[`") else 1
    return (counts.most_common(1)[0][0] if counts else None), plural


_COMPARED = re.compile(r"\b(?:that of|than|like|vs\.?|versus|from|to|with|as)\s*\[?$", re.I)


__all__ = ["MODEL_RE", "Mention", "Models", "canon", "family_of", "is_anaphor", "main_model",
           "pick", "size_token", "size_value"]
