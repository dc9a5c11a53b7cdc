"""Warnings an auditor writes in the margin while reading, and figures derived on the way.

Each function looks at what extraction found and returns :class:`~audit.records.Warning_`
records (codes in capitals) that travel on the Disclosure to the output:

=============================  ===============================================================
code                           when
=============================  ===============================================================
``TOTAL_ROW_MISMATCH``         a Total row is not the sum of its model rows (it counts a model
                               not listed); the message gives the gap
``PROSE_TABLE_MISMATCH``       a prose total disagrees with the table's Total (both are kept)
``MARKET_BASED_ZERO``          a market-based 0 tCO2e beside a location-based figure: it is
                               renewable matching, not a physical reduction
``OFFSET_OR_RENEWABLE_CLAIM``  "offset" / "100% renewable": emissions stay gross
``FOOTNOTE_UPPER_BOUND``       a word (``Negligible**``) in a number cell, bounded by its
                               footnote; ``NO_VALUE_WORD`` when no footnote bounds it
``UPPER_BOUND_ONLY``           prose gives only a bound (``less than $8K``)
``PUE_ALREADY_APPLIED``        the report says its power/energy already includes PUE
``PUE_CLAIM_SUSPECT``          ... while the power it prints equals the chip's nameplate TDP
``SCOPE_FINAL_RUN_ONLY``       the figures exclude research, ablations, earlier runs
``SCOPE_DEVELOPMENT``          a figure covers developing the models, not one training run
``COST_IS_RENTAL_ASSUMPTION``  a cost is GPU-hours times an assumed rental price
``POWER_RANGE``                a power given as a range (``350-400W``)
``UNLISTED_ROW_ENERGY``        a Total's GPU-hours not in its rows, at a stated power range:
                               the energy and implied intensity as intervals
``TPU_SLICE_SUFFIX_IS_CORES``  a TPU slice name (``v3-8``) counts TensorCores: chips = cores/2
``TPU_COUNT_AMBIGUOUS``        ``512 TPU v3``: cores or chips is not said
``DEFAULT_GRID_INTENSITY``     an intensity the text calls a default/fallback, or equal to a
                               known tool default
``INTENSITY_UNIT_NORMALISED``  an intensity printed per MWh, read per kWh
``PEAK_IS_SPARSE``             a printed peak equals twice the chip's dense peak
``MFU_ABOVE_ONE``              an MFU above 100 % (computed against the wrong peak)
``METADATA_UNIT_IS_GRAMS``     Hugging Face ``co2_eq_emissions`` metadata is in grams
``METADATA_BODY_MISMATCH``     ... and disagrees with the card's body
``POWER_IT_LEVEL_ENERGY_...``  a tracker row whose energy = power x duration x PUE: the energy
(``..._FACILITY_LEVEL``)       includes PUE, the power columns do not
``SCOPE_MISMATCH``             GPU-hours of a stage (logit generation) the emissions omit
``SCOPE_MIXED``                one model's emissions given for several scopes (dynamic, idle,
                               embodied, total): compare like with like
``INTENSITY_LOCATION_MISMATCH``  a reported intensity outside the grid range of the run's named
                               location (:func:`run_location`)
``LOCATION_CONFLICT``          coordinates outside the country named as the run location
                               (:func:`coordinate_warnings`)
=============================  ===============================================================

Raised elsewhere in extraction: ``UNIT_LABEL_POWER_FOR_ENERGY`` (a kW label on an energy,
:mod:`audit.extract.tables`), ``AMBIGUOUS_MODEL`` (a figure about a family named without a
size) and ``AMBIGUOUS_VERSION`` (a block headed by another version of the report's model),
:mod:`audit.extract` and :mod:`audit.extract.attribution`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from audit.extract.markdown import Passage
from audit.extract.prose import Hit
from audit.extract.tables import Table
from audit.records import Figure, ModelDisclosure, Warning_

#: Grid intensities that emission tools fall back to when they have no live data
#: [gCO2e/kWh]: ML CO2 Impact calculator default 432 (pytorch/kineto PR #378 review);
#: carbontracker EU-28 2017 average 294.21 (saintslab/carbontracker#31) and 357.2021 (#70)
#: and its Las Vegas default 383 (#92); CodeCarbon world average 475 (mlco2/codecarbon docs).
KNOWN_DEFAULT_INTENSITIES = (432.0, 294.21, 357.2021, 383.0, 475.0)
_PUE_CLAIM = (r"adjusted for (?:the )?(?:power usage effic\w+|power usage effectiveness|PUE)|"
              r"PUE[- ]adjusted|already (?:adjusted for|includ\w*) (?:the )?PUE|"
              r"includ\w* (?:the )?PUE|adjusted for PUE")
_FOOTNOTE_BOUND_RE = re.compile(
    r"(?:less than|below|under|<)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>metric\s+tonnes?|tonnes?|"
    r"tons?|t|kg|g)\b", re.I)


def _w(code: str, message: str, model: str | None = None, field: str | None = None) -> Warning_:
    return Warning_(code, message, model=model, field=field)


def word_cells(model: str, words: list[tuple[str, str, str | None]],
               passages: list[Passage]) -> list[Warning_]:
    """Warnings for words in number cells (``Negligible**``), with the footnote's bound."""
    out = []
    for field, cell, basis in words:
        bound = None
        for p in passages:
            if re.match(r"^\s*(?:\\?\*|†|‡|¹|²)+", p.text):
                m = _FOOTNOTE_BOUND_RE.search(p.text)
                if m:
                    unit = "t" if re.match(r"metric|ton|t$", m.group("u"), re.I) else m.group("u")
                    bound = f"{m.group('n')} {unit}"
                    break
        kind = f"{basis}-based " if basis else ""
        if bound:
            out.append(_w("FOOTNOTE_UPPER_BOUND",
                          f"{model}: {kind}{field} is printed as {cell!r}; its footnote bounds it "
                          f"below {bound} (an upper bound, not zero and not missing)",
                          model, field))
        else:
            out.append(_w("NO_VALUE_WORD", f"{model}: {kind}{field} is printed as {cell!r} "
                          "(no number); not a figure", model, field))
    return out


def sentence_basis(sentence: str) -> str | None:
    """``location`` / ``market`` when a sentence says which."""
    s = sentence.lower()
    if "market-based" in s or "market based" in s:
        return "market"
    if "location-based" in s or "location based" in s:
        return "location"
    return None


_SCOPES = [(r"pre-?train\w*", "pretraining"), (r"post-?train\w*", "post-training"),
           (r"context (?:length )?extension", "context extension"),
           (r"fine-?tun\w*", "fine-tuning"), (r"\bdynamic\b", "dynamic power"),
           (r"\bidle\b|infrastructure", "idle and infrastructure"),
           (r"\bembodied\b", "embodied"), (r"\bin all\b|\bin total\b|\btotal\b|full training",
                                           "total"),
           (r"\bdevelop\w*", "development"), (r"experiments|ablation", "experiments")]


def scope_near(before: str, after: str, inherited: str | None, sentence: str) -> str | None:
    """The stage a figure covers: from the words just before it (``context extension
    119K``), else the scope of the figure it restates in parentheses (``256,646 kWh
    (14.6 t)``), else the words just after it (``24.7 tCO2eq counting only dynamic GPU
    power``, ``2.788M GPU-hours in all``), else a development sentence."""
    for text in (before[-60:],):
        for pat, scope in _SCOPES:
            if re.search(pat, text, re.I):
                return scope
    if inherited and re.fullmatch(r"\s*[\w/%]*\s*\(?\s*", before):
        return inherited
    for pat, scope in _SCOPES:
        if re.search(pat, after[:50], re.I):
            return scope
    if re.search(r"\bdevelop\w*", sentence, re.I):
        return "development"
    return None


def sentence_warnings(sentence: str, hits: list[Hit], p: Passage) -> list[Warning_]:
    """Warnings one sentence raises by what it says."""
    out: list[Warning_] = []
    where = f"p. {p.page}" if p.page is not None else (p.section or "card")
    s = sentence
    fields = {h.field for h in hits}
    if re.search(_PUE_CLAIM, s, re.I):
        out.append(_w("PUE_ALREADY_APPLIED", f"{where}: the report says its power figures "
                      f"already include PUE ({_cut(s)}); do not apply a PUE again"))
    if re.search(r"100\s*%\s*renewable|matched\s+(?:100\s*%\s+of\s+)?(?:its |our )?"
                 r"electricity[^.]{0,40}renewable", s, re.I) or re.search(
                     r"\boffset\b", s, re.I) and re.search(r"emission|carbon|co2", s, re.I):
        out.append(_w("OFFSET_OR_RENEWABLE_CLAIM", f"{where}: offsets or renewable matching "
                      f"({_cut(s)}) do not reduce location-based emissions; kept gross"))
    if re.search(r"(?:only|exclud\w*)[^.]{0,80}(?:official|final) training|exclud\w*[^.]{0,80}"
                 r"(?:prior research|ablation|experiments)|not (?:earlier|prior) research|"
                 r"cover only", s, re.I):
        out.append(_w("SCOPE_FINAL_RUN_ONLY", f"{where}: the figures cover the final run only "
                      f"({_cut(s)}); research, ablations and failed runs are excluded"))
    if "cost" in fields and re.search(r"\brent\w*", s, re.I):
        out.append(_w("COST_IS_RENTAL_ASSUMPTION", f"{where}: the cost is GPU-hours times an "
                      f"assumed rental price ({_cut(s)}), not money spent", field="cost"))
    if re.search(r"\b\d{2,4}\s*[-–]\s*\d{2,4}\s*W\b", s):
        out.append(_w("POWER_RANGE", f"{where}: power given as a range ({_cut(s)}); the "
                      "wattage per row or an assumption must choose", field="accelerator_power"))
    out += _tpu_warnings(s, where)
    if "carbon_intensity" in fields:
        ci = [h for h in hits if h.field == "carbon_intensity"]
        if re.search(r"\bdefault\w*|fall\s*back|could not be fetched", s, re.I) or any(
                _is_known_default(h) for h in ci):
            out.append(_w("DEFAULT_GRID_INTENSITY", f"{where}: the grid intensity is a tool "
                          f"default, not the site's grid ({_cut(s)})", field="carbon_intensity"))
        if any(h.unit.endswith("MWh") for h in ci):
            out.append(_w("INTENSITY_UNIT_NORMALISED", f"{where}: intensity printed per MWh "
                          f"({_cut(s)}); 1 t/MWh = 1 kg/kWh = 1000 g/kWh",
                          field="carbon_intensity"))
    if re.search(r"\bdevelop\w*", s, re.I) and fields & {"energy", "emissions",
                                                           "accelerator_hours"}:
        out.append(_w("SCOPE_DEVELOPMENT", f"{where}: the figure covers developing the models "
                      f"(all experiments), not one training run ({_cut(s)})"))
    out += _tracker_row(s, where)
    for h in hits:
        if h.field == "mfu" and h.value > 1:
            out.append(_mfu_warning(h, s, where))
    return out


def _cut(s: str, n: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 3] + "..."


def _is_known_default(h: Hit) -> bool:
    from audit.units import Q_

    try:
        g = Q_(h.value, h.unit).to("gCO2e/kWh").magnitude
    except Exception:  # noqa: BLE001 - a unit that does not convert is no default
        return False
    return any(abs(g - d) <= 0.0005 * d for d in KNOWN_DEFAULT_INTENSITIES)


def _tpu_warnings(s: str, where: str) -> list[Warning_]:
    out = []
    for m in re.finditer(r"\bTPU\s?(v\d[a-z]?)-(\d+)\b|\b(v[2-5][a-z]?)-(\d+)\b", s):
        ver, n = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if ver.lower() in ("v5e", "v6e"):
            continue
        out.append(_w("TPU_SLICE_SUFFIX_IS_CORES", f"{where}: TPU {ver}-{n} names a slice of "
                      f"{n} TensorCores = {int(n) // 2} chips ({_cut(s)})",
                      field="accelerator_count"))
    for m in re.finditer(r"\b(\d+)\s+(?:Cloud\s+)?TPU\s?(v[2-5]p?)\b(?!-\d)", s):
        out.append(_w("TPU_COUNT_AMBIGUOUS", f"{where}: '{m.group(0)}' may count TensorCores "
                      f"or chips ({int(m.group(1)) // 2} chips if cores)",
                      field="accelerator_count"))
    return out


def _peak(acc_text: str, precision: str) -> float | None:
    from audit.assumptions import accelerator, find_accelerator

    acc_id = find_accelerator(acc_text)
    if not acc_id:
        return None
    return accelerator(acc_id).peaks.get(precision)


def _tracker_row(s: str, where: str) -> list[Warning_]:
    """A tracker log row (``cpu_power_W=45.0, ..., energy_consumed_kWh=0.000229, pue=1.5``)
    whose energy is power x duration x PUE: the energy is facility-level, the powers IT."""
    kv = {k.lower(): (u, float(v)) for k, u, v in re.findall(
        r"\b([a-z][a-z_]*?)_(kWh|Wh|kW|W|s|h)\s*=\s*([0-9][0-9.eE+-]*)", s)}
    pue = re.search(r"\bpue\s*=\s*([0-9.]+)", s, re.I)
    energy = next(((u, v) for k, (u, v) in kv.items() if "energy" in k), None)
    duration = next(((u, v) for k, (u, v) in kv.items() if "duration" in k), None)
    powers = [(u, v) for k, (u, v) in kv.items() if k.endswith("power")]
    if not (pue and energy and duration and powers):
        return []
    hours = duration[1] / 3600 if duration[0] == "s" else duration[1]
    watts = sum(v * (1000 if u == "kW" else 1) for u, v in powers)
    it_kwh = watts * hours / 1000
    e_kwh = energy[1] / (1000 if energy[0] == "Wh" else 1)
    if it_kwh and abs(it_kwh * float(pue.group(1)) - e_kwh) <= 0.02 * e_kwh:
        return [_w("POWER_IT_LEVEL_ENERGY_FACILITY_LEVEL",
                   f"{where}: the logged energy {e_kwh:g} kWh = power {watts:g} W x "
                   f"{hours:.4g} h x PUE {pue.group(1)}: the energy already includes PUE "
                   f"(IT energy {it_kwh:.3g} kWh), the power columns do not", field="energy")]
    return []


def _peak_warnings(passages: list[Passage], models: list[ModelDisclosure]) -> list[Warning_]:
    """A printed peak FLOP/s that is twice the chip's dense peak is the sparse figure."""
    accs = [m.accelerator for m in models if m.accelerator]
    if not accs:
        return []
    from audit.assumptions import accelerator

    acc = accelerator(max(set(accs), key=accs.count))
    out = []
    for p in passages:
        for m in re.finditer(r"peak[^.]{0,40}?(\d[\d,]*(?:\.\d+)?)\s*(T|P)FLOPS?\b"
                             r"(?:\s*\((\w+)\))?", p.text, re.I):
            printed = float(m.group(1).replace(",", "")) * (
                1e12 if m.group(2).upper() == "T" else 1e15)
            precision = (m.group(3) or "bf16").lower()
            dense = acc.peaks.get(precision)
            if dense and abs(printed / dense - 2) < 0.02:
                out.append(_w("PEAK_IS_SPARSE", f"the peak {m.group(1)} {m.group(2)}FLOPS "
                              f"({precision}) is the sparse (2:4) figure of {acc.name}, twice "
                              f"its dense {dense / 1e12:g} TFLOP/s; use the dense peak"))
    return out


def _mfu_warning(h: Hit, s: str, where: str) -> Warning_:
    msg = f"{where}: MFU {h.value:.0%} is above 100 % ({_cut(s)})"
    against = re.search(r"against\s+(\d[\d,]*(?:\.\d+)?)\s*TFLOPS?", s, re.I)
    acc = re.search(r"\b([AHB]\d{3}(?:\s+SXM\d?|\s+PCIe)?)\b", s)
    if against and acc:
        dense = _peak(acc.group(1), "bf16")
        if dense:
            true = h.value * float(against.group(1).replace(",", "")) * 1e12 / dense
            msg += (f": computed against {against.group(1)} TFLOPS, not {acc.group(1)}'s dense "
                    f"{dense / 1e12:g} TFLOP/s; the MFU is {true:.1%}")
    return _w("MFU_ABOVE_ONE", msg + "; not kept as a figure", field="mfu")


def derived_hours(figs: list[Figure]) -> list[Figure]:
    """GPU-hours from a per-trillion-token rate and the token count of the same model."""
    from audit.units import Q_

    rates = [f for f in figs if f.field == "accelerator_hours_per_trillion_tokens"
             and f.status == "reported" and f.value]
    tokens = [f for f in figs if f.field == "n_tokens" and f.value]
    if not rates or not tokens or any(f.field == "accelerator_hours" and f.status == "derived"
                                      for f in figs):
        return []
    r, t = rates[0], tokens[0]
    hours = Q_(r.value, r.unit).to("hour").magnitude * t.value / 1e12
    return [Figure(field="accelerator_hours", value=hours, unit="hour", bound=r.bound,
                   page=r.page, section=r.section, locator=r.locator,
                   text=f"{r.value:g} {r.unit} per 1e12 tokens x {t.value:g} tokens",
                   scope="pretraining", status="derived", method="accelerator_hours_from_rate",
                   inputs=(f"accelerator_hours_per_trillion_tokens={r.value:g} {r.unit} "
                           f"({r.where})", f"n_tokens={t.value:g} ({t.where})"))]


def _table_of(f: Figure) -> str | None:
    return f.locator.split(", row")[0] if f.locator and ", row" in f.locator else None


def shared_table_power(models: list[ModelDisclosure]) -> list[ModelDisclosure]:
    """Give a table's aggregate (Total) row the accelerator power that every model row of the
    same table reports, as a derived figure, when its own power cell is empty.

    A Total row with an empty power cell would otherwise be reconstructed from an assumed
    TDP fraction while its rows use the reported power, and its energy would not be the sum
    of theirs.  Nothing is added when the rows disagree or fewer than two rows report power.
    """
    out = []
    for m in models:
        tables = {(_table_of(f), f.page, f.section) for f in m.figures if _table_of(f)}
        if m.kind != "aggregate" or m.get("accelerator_power") or len(tables) != 1:
            out.append(m)
            continue
        table, page, section = next(iter(tables))
        rows = [(r.name, f) for r in models if r.kind == "model" for f in
                r.get("accelerator_power") if _table_of(f) == table and f.page == page
                and f.section == section and f.value is not None]
        values = {(f.value, f.unit) for _, f in rows}
        if len(rows) < 2 or len(values) != 1:
            out.append(m)
            continue
        value, unit = next(iter(values))
        fig = Figure(field="accelerator_power", value=value, unit=unit, page=page,
                     section=section, locator=f"{table}, row {m.name}",
                     text=f"{value:g} {unit} on each of the {len(rows)} model rows",
                     status="derived", method="accelerator_power_from_table_rows",
                     inputs=tuple(f"{name}: {f.value:g} {f.unit}" for name, f in rows))
        out.append(replace(m, figures=(*m.figures, fig)))
    return out


def document_warnings(models: list[ModelDisclosure], passages: list[Passage],
                      tables: list[Table]) -> list[Warning_]:
    """Warnings about the document as a whole."""
    out = total_checks(models)
    out += unlisted_energy(models, passages)
    out += _market_zero(models)
    out += _prose_vs_table(models)
    out += _pue_claim(models, passages)
    out += _metadata(models)
    out += _peak_warnings(passages, models)
    out += _scope_mismatch(models)
    out += _mixed_scopes(models)
    out += location_warnings(models)
    return out


def _scope_mismatch(models: list[ModelDisclosure]) -> list[Warning_]:
    """GPU-hours of a stage (logit generation) in a table whose emissions do not cover it."""
    out = []
    by_table: dict[str, list[Figure]] = {}
    for m in models:
        for f in m.figures:
            if f.locator not in (None, "text"):
                by_table.setdefault(f.locator.split(", row")[0], []).append(f)
    for table, figs in by_table.items():
        hour_scopes = {f.scope for f in figs if f.field == "accelerator_hours"}
        emis_scopes = {f.scope for f in figs if f.field == "emissions"}
        if not emis_scopes:
            continue
        for sc in hour_scopes - emis_scopes - {None, "training", "pretraining", "total"}:
            out.append(_w("SCOPE_MISMATCH", f"{table}: GPU-hours for {sc} have no emissions "
                          f"column; the emissions do not cover {sc}", field="emissions"))
    return out


def _mixed_scopes(models: list[ModelDisclosure]) -> list[Warning_]:
    out = []
    for m in models:
        scopes = {f.scope for f in m.figures if f.field in ("emissions", "embodied_emissions")
                  and f.status == "reported" and f.scope}
        if len(scopes) > 1:
            out.append(_w("SCOPE_MIXED", f"{m.name}: emissions are given for different scopes "
                          f"({', '.join(sorted(scopes))}); compare like with like", m.name,
                          "emissions"))
    return out


def total_checks(models: list[ModelDisclosure]) -> list[Warning_]:
    """Warn where a table's Total row is not the sum of its model rows."""
    out = []
    for agg in (m for m in models if m.kind == "aggregate"):
        for fig in agg.figures:
            if fig.locator in (None, "text") or fig.value is None or fig.status != "reported":
                continue
            table = fig.locator.split(", row")[0]
            parts = [f for m in models if m.kind == "model" for f in m.figures
                     if f.field == fig.field and f.basis == fig.basis and f.scope == fig.scope
                     and f.locator and f.locator.split(", row")[0] == table
                     and f.page == fig.page and f.section == fig.section]
            if len(parts) < 2:
                continue
            total = sum(p.quantity.to(fig.unit).magnitude for p in parts)
            if abs(total - fig.value) > 0.02 * abs(fig.value):
                out.append(_w("TOTAL_ROW_MISMATCH",
                              f"{table}: {agg.name} {fig.field} is {fig.value:g} {fig.unit} but "
                              f"the {len(parts)} model rows sum to {total:g}; the gap "
                              f"{fig.value - total:g} {fig.unit} counts something not listed",
                              agg.name, fig.field))
    return out


_POWER_RANGE_RE = re.compile(r"\b(?P<lo>\d{2,4})\s*(?:W\s*)?[-–]\s*(?P<hi>\d{2,4})\s*W\b")


def unlisted_energy(models: list[ModelDisclosure], passages: list[Passage]) -> list[Warning_]:
    """UNLISTED_ROW_ENERGY: a Total row counts GPU-hours that no listed row has, the report
    gives a power range (``TDP 350-400W``), and the listed rows each report their power: the
    total energy is then only known as an interval, and so is the intensity its emissions
    imply.

    ``E = sum(rows' hours x power) + unlisted hours x [P_low, P_high]``; with the Total's
    reported emissions ``C``, the implied intensity is ``C / E`` over that interval.  (Llama 2
    card: the Total counts the unreleased 34B, 1,038,336 GPU-h; at 350-400 W the energy is
    1,272.7-1,324.6 MWh and 539 t implies 0.407-0.4235 t/MWh; the paper's 350 W gives the
    low end.)
    """
    ranges = [(float(m.group("lo")), float(m.group("hi"))) for p in passages
              for m in _POWER_RANGE_RE.finditer(p.text)
              if float(m.group("lo")) < float(m.group("hi"))]
    if not ranges:
        return []
    lo_w, hi_w = ranges[0]
    out = []
    for agg in (m for m in models if m.kind == "aggregate"):
        for hours in (f for f in agg.get("accelerator_hours") if f.status == "reported"
                      and _table_of(f) and f.value):
            table = _table_of(hours)
            rows = [(r, h) for r in models if r.kind == "model" for h in
                    r.get("accelerator_hours") if _table_of(h) == table and h.page ==
                    hours.page and h.section == hours.section and h.value]
            powers = [[f for f in r.get("accelerator_power") if f.value] for r, _ in rows]
            if len(rows) < 2 or not all(powers):
                continue
            total_h = hours.quantity.to("hour").magnitude
            listed_h = sum(h.quantity.to("hour").magnitude for _, h in rows)
            unlisted = total_h - listed_h
            if unlisted <= 0.02 * total_h:
                continue
            e_rows = sum(h.quantity.to("hour").magnitude * ps[0].quantity.to("kW").magnitude
                         for (_, h), ps in zip(rows, powers, strict=True)) / 1000
            e_lo, e_hi = e_rows + unlisted * lo_w / 1e6, e_rows + unlisted * hi_w / 1e6
            text = (f"{table}: {agg.name} counts {unlisted:,.0f} GPU-hours that no listed row "
                    f"has, and their power is not given; at the stated {lo_w:g}-{hi_w:g} W "
                    f"the total energy is {e_lo:,.1f} to {e_hi:,.1f} MWh (listed rows "
                    f"{e_rows:,.1f} MWh)")
            carbon = [f for f in agg.get("emissions") if f.value and f.basis != "market"
                      and f.status == "reported" and _table_of(f) == table]
            if carbon:
                c = carbon[0].quantity.to("tCO2e").magnitude
                text += (f", and its {c:g} tCO2e imply {c / e_hi:.4f} to {c / e_lo:.4f} "
                         "tCO2e/MWh")
            out.append(_w("UNLISTED_ROW_ENERGY", text, agg.name, "energy"))
    return out


def _market_zero(models: list[ModelDisclosure]) -> list[Warning_]:
    market0 = [m for m in models for f in m.figures
               if f.field == "emissions" and f.basis == "market" and f.value == 0]
    loc = any(f.field == "emissions" and f.basis != "market" and f.value
              for m in models for f in m.figures)
    if market0 and loc:
        return [_w("MARKET_BASED_ZERO", "market-based emissions of 0 tCO2e reflect renewable "
                   "matching (certificates), not a physical reduction; the location-based "
                   "figures are the ones to compare", field="emissions")]
    return []


def _prose_vs_table(models: list[ModelDisclosure]) -> list[Warning_]:
    out = []
    aggs = [m for m in models if m.kind == "aggregate"]
    for m in aggs:
        for f in (f for f in m.figures if f.locator == "text" and f.value):
            for t in (t for a in aggs for t in a.figures
                      if t.locator not in (None, "text") and t.field == f.field and t.value
                      and (t.basis is None or f.basis is None or t.basis == f.basis)
                      and t.status == "reported" and t.scope in (None, "training",
                                                                  "pretraining")):
                try:
                    v = f.quantity.to(t.unit).magnitude
                except Exception:  # noqa: BLE001
                    continue
                if abs(v - t.value) > 0.02 * abs(t.value):
                    others = [o for a in aggs for o in a.figures if o.locator == t.locator
                              or (o.locator not in (None, "text") and o.field == t.field
                                  and o.page == t.page and o.section == t.section
                                  and o is not t and o.scope != t.scope)]
                    extra = sum(o.quantity.to(t.unit).magnitude for o in others
                                if o.field == t.field and o is not t)
                    note = (f"; with the other columns the table gives {t.value + extra:g}"
                            if extra else "")
                    out.append(_w("PROSE_TABLE_MISMATCH",
                                  f"the text gives {f.field} {f.value:g} {f.unit} "
                                  f"({f.where}) but the table total is {t.value:g} {t.unit} "
                                  f"({t.where}){note}; both kept", m.name, f.field))
    return out


def _pue_claim(models: list[ModelDisclosure], passages: list[Passage]) -> list[Warning_]:
    claim = any(re.search(_PUE_CLAIM, p.text, re.I) for p in passages)
    if not claim:
        return []
    from audit.assumptions import accelerator

    out = []
    for m in models:
        if not m.accelerator:
            continue
        tdp = accelerator(m.accelerator).tdp_w
        for f in m.get("accelerator_power"):
            if f.value and abs(f.quantity.to("W").magnitude - tdp) < 0.5:
                out.append(_w("PUE_CLAIM_SUSPECT", f"{m.name}: the power said to include PUE is "
                              f"{f.value:g} {f.unit}, exactly the {tdp:g} W nameplate TDP: the "
                              "effective PUE in it is 1.0", m.name, "accelerator_power"))
                break
    return out[:1] if len(out) > 1 and len({w.message.split(":")[1] for w in out}) == 1 else out


def _metadata(models: list[ModelDisclosure]) -> list[Warning_]:
    out = []
    for m in models:
        meta = [f for f in m.figures if f.field == "emissions" and f.section == "front matter"]
        body = [f for f in m.figures if f.field == "emissions" and f.section != "front matter"]
        for f in meta:
            out.append(_w("METADATA_UNIT_IS_GRAMS", f"{m.name}: co2_eq_emissions metadata "
                          f"{f.value:g} is in grams (Hugging Face spec) = "
                          f"{f.value / 1000:g} kgCO2e", m.name, "emissions"))
            for b in body:
                ratio = f.quantity.to("kgCO2e").magnitude / b.quantity.to("kgCO2e").magnitude
                if abs(ratio - 1) > 0.02:
                    out.append(_w("METADATA_BODY_MISMATCH",
                                  f"{m.name}: metadata {f.value:g} g = "
                                  f"{f.value / 1000:g} kgCO2e but the card's text gives "
                                  f"{b.value:g} {b.unit} (x{ratio:.3g})", m.name, "emissions"))
    return out


_RUN_LOCATION = (
    re.compile(r"\b(?:(?i:run|training|compute|cluster|server|data\s?cent(?:er|re))\s+"
               r"(?i:location)|(?i:compute|cloud|training)[_ ](?i:region)|"
               r"(?i:country)(?:[_ ](?i:name))?)\s*[:=]\s*"
               r"(?P<loc>[A-Z][\w.'-]*(?:[ ,]+[A-Z][\w.'-]*){0,3})"),
    re.compile(r"\b(?i:(?:pre-?)?trained|ran|run|hosted|located|supercomputer|cluster|"
               r"data\s?cent(?:er|re)s?|facility|computing centre|computing center)\b"
               r"[^.;:]{0,60}?\bin\s+(?:the\s+)?(?P<loc>[A-Z][\w.'-]*(?:[ ,]+[A-Z][\w.'-]*)"
               r"{0,2})"))


_RUN_LOG_RE = re.compile(r"emission|energy|carbon|co2|kwh|duration|hours|hardware|region|"
                         r"provider", re.I)


def run_log_lines(tables: list[Table]) -> list[Passage]:
    """The tables that log a run (their cells name energy, emissions, duration, hours,
    hardware or region: a tracker's key-value line, an emissions.csv, a card's training
    list), as ``key: value`` text, one passage each, for the location and coordinate
    readers."""
    out = []
    for t in tables:
        if not _RUN_LOG_RE.search(" ".join(t.header + [c for r in t.rows for c in r])):
            continue
        if not any(t.header):  # key | value rows
            lines = [f"{r[0]}: {' '.join(r[1:])}" for r in t.rows if r]
        else:
            lines = [" | ".join(f"{h}: {c}" for h, c in zip(t.header, r, strict=False) if c)
                     for r in t.rows]
        out.append(Passage("\n".join(lines), t.section, t.page))
    return out


def run_location(passages: list[Passage]) -> str | None:
    """The country or region where the run took place, when the report names exactly one
    that the grid-intensity table knows (``Run location: Taiwan``, ``a national
    supercomputer in France``, ``trained in Iowa``); None otherwise."""
    from audit.reported_carbon import location_grid

    found: dict[str, str] = {}
    for p in passages:
        for pat in _RUN_LOCATION:
            for m in pat.finditer(p.text):
                words = m.group("loc").split()
                for k in range(1, len(words) + 1):  # shortest known prefix: "New York"
                    cand = " ".join(words[:k]).rstrip(",.")
                    grid = location_grid(cand)
                    if grid is not None:
                        found.setdefault(grid[1].split(" (")[1], cand)
                        break
    return next(iter(found.values())) if len(found) == 1 else None


_PRECISIONS = {"fp8": "fp8", "float8": "fp8", "bf16": "bf16", "bfloat16": "bf16",
               "fp16": "fp16", "float16": "fp16", "tf32": "tf32", "fp32": "fp32",
               "float32": "fp32"}
_PREC = r"(?P<p>fp8|float8|bf16|bfloat16|fp16|float16|tf32|fp32|float32)"
_PRECISION_RE = (
    re.compile(rf"\b{_PREC}\s+mixed[- ]precision\b", re.I),  # "FP8 mixed precision training"
    re.compile(rf"\b(?:pre-?)?train\w*\s+(?:\w+\s+)?(?:in|with|using|at)\s+(?:the\s+)?`?{_PREC}\b",
               re.I),                                        # "trained in bfloat16"
    re.compile(rf"\bprecision\W{{0,6}}`?{_PREC}\b", re.I),  # "Precision | `bfloat16`"
)


def training_precision(passages: list[Passage], tables: list[Table]) -> str | None:
    """The numeric precision the run computed in, when the report says so (``fp8``, ``bf16``,
    ``fp16``, ``tf32``, ``fp32``): "an FP8 mixed precision training framework" (DeepSeek-V3),
    "trained in bfloat16", a ``Precision | bfloat16`` row.  The precision named most often
    wins; None when the report names none, or two equally often."""
    from collections import Counter

    texts = [p.text for p in passages] + [
        " | ".join(r) for t in tables for r in [t.header, *t.rows] if r]
    seen: Counter[str] = Counter()
    for text in texts:
        for pat in _PRECISION_RE:
            seen.update(_PRECISIONS[m.group("p").lower()] for m in pat.finditer(text))
    top = seen.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|" \
         r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+(?P<y1>20\d\d)"
    rf"|{_MONTH.replace('mon', 'mon2')}\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>20\d\d)"
    r"|(?P<y3>20\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))\b", re.I)
_START_RE = re.compile(r"\b(?:start(?:ed|s)?|began|begun|beginning)\b|"
                       r"\btrain\w*\s+(?:\w+\s+){0,3}?(?:from|between)\b", re.I)
_END_RE = re.compile(r"\b(?:end(?:ed|s)?|finish(?:ed|es)?|complet(?:ed|es)?|until|to)\b|"
                     r"\band\s+$", re.I)


def _date(m: re.Match[str]):  # noqa: ANN202 - datetime.date or None
    from datetime import datetime

    if m.group("y3"):
        text, fmt = f"{m.group('y3')}-{m.group('m3')}-{m.group('d3')}", "%Y-%m-%d"
    else:
        day, year = (m.group("d1"), m.group("y1")) if m.group("d1") else (m.group("d2"),
                                                                          m.group("y2"))
        text, fmt = f"{day} {(m.group('mon') or m.group('mon2'))[:3]} {year}", "%d %b %Y"
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:  # 31 February
        return None


def training_dates(passages: list[Passage]) -> Figure | None:
    """The wall-clock duration of a run whose start and end dates a card gives ("Started 11th
    March, 2022 ... Estimated end: 5th July, 2022": 116 days), as a derived
    ``training_duration`` [day], placed at the end date's page or section; None unless
    exactly one start and one later end date (within 3 years) are found.  The marker nearest
    a date says which it is ("started on X and ended Y"); an *estimated* end makes the
    duration approximate."""
    starts, ends = [], []
    for p in passages:
        for m in _DATE_RE.finditer(p.text):
            before = re.split(r"[.\n;]", p.text[max(0, m.start() - 60):m.start()])[-1]
            d = _date(m)
            if d is None:
                continue
            start = max((x.end() for x in _START_RE.finditer(before)), default=-1)
            end = max((x.end() for x in _END_RE.finditer(before)), default=-1)
            if start != end:
                (starts if start > end else ends).append(
                    (d, m.group(0), "estimat" in before.lower(), p))
    if len({s[0] for s in starts}) != 1 or len({e[0] for e in ends}) != 1:
        return None
    (d0, t0, _, _), (d1, t1, est, p) = starts[0], ends[0]
    days = (d1 - d0).days
    if not 0 < days <= 3 * 366:
        return None
    return Figure(field="training_duration", value=float(days), unit="day",
                  bound="approximate" if est else "exact", page=p.page, section=p.section,
                  locator="text", text=f"started {t0}; end {t1}", status="derived",
                  method="duration_from_dates", inputs=(f"start {d0}", f"end {d1}"))


_NUM = r"[-−–]?\d{1,3}(?:\.\d+)?"
_SEP = r"[\s:=(]{0,4}"
_COORDINATES = (
    re.compile(rf"\blat(?:itude)?\s*/\s*lon(?:g(?:itude)?)?\b{_SEP}(?P<lat>{_NUM})\s*[,;/ ]\s*"
               rf"(?P<lon>{_NUM})", re.I),
    re.compile(rf"\blatitude\b{_SEP}(?P<lat>{_NUM})(?!\d)[^.]{{0,40}}?\blongitude\b{_SEP}"
               rf"(?P<lon>{_NUM})", re.I),
    re.compile(rf"\blongitude\b{_SEP}(?P<lon>{_NUM})(?!\d)[^.]{{0,40}}?\blatitude\b{_SEP}"
               rf"(?P<lat>{_NUM})", re.I),
    re.compile(r"(?P<lat>\d{1,2}(?:\.\d+)?)\s*°\s*(?P<ns>[NS])\s*,?\s*"
               r"(?P<lon>\d{1,3}(?:\.\d+)?)\s*°\s*(?P<ew>[EW])"))
_BOX_MARGIN = 0.5  # degrees around a country's box before a point counts as outside it


def coordinates(passages: list[Passage]) -> list[tuple[float, float, str]]:
    """Coordinates a report gives for its run, as (latitude, longitude, where) [degrees]:
    ``lat/lon: 41.26, -95.85``, ``latitude 41.26 ... longitude -95.85`` (either order),
    ``41.26°N, 95.85°W``; pairs out of range are not coordinates."""
    out = []
    for p in passages:
        for pat in _COORDINATES:
            for m in pat.finditer(p.text):
                lat, lon = (float(m.group(g).replace("−", "-").replace("–", "-"))
                            for g in ("lat", "lon"))
                if "ns" in pat.groupindex:
                    lat = -lat if m.group("ns") == "S" else lat
                    lon = -lon if m.group("ew") == "W" else lon
                if -90 <= lat <= 90 and -180 <= lon <= 180:
                    out.append((lat, lon, f"p. {p.page}" if p.page else p.section or "card"))
    return list(dict.fromkeys(out))


def coordinate_warnings(passages: list[Passage], location: str | None) -> list[Warning_]:
    """LOCATION_CONFLICT where a report's coordinates lie outside the country it names as
    the run location (``country: Germany`` beside ``lat/lon: 41.26, -95.85``): the grid
    intensity of the named country may not be the machine's.

    The test is a point outside the country's bounding box (plus :data:`_BOX_MARGIN`), from
    Natural Earth 1:110m (:func:`audit.assumptions.country_boxes`); a country without a box
    (Singapore at that scale) is not tested.
    """
    from audit.assumptions import country_boxes, location_keys

    boxes = country_boxes()
    named = [k for k in location_keys(location) if k in boxes]
    if not named:
        return []
    out = []
    for lat, lon, where in coordinates(passages):
        if any(b[1] - _BOX_MARGIN <= lon <= b[3] + _BOX_MARGIN
               and b[2] - _BOX_MARGIN <= lat <= b[4] + _BOX_MARGIN
               for b in (boxes[k] for k in named)):
            continue
        name, lo0, la0, lo1, la1 = boxes[named[0]]
        out.append(Warning_(
            "LOCATION_CONFLICT",
            f"{where}: the run location {location!r} and the coordinates {lat:g}, {lon:g} "
            f"disagree: the point lies outside {name} (lat {la0:.1f} to {la1:.1f}, lon "
            f"{lo0:.1f} to {lo1:.1f}); the grid intensity of {location} may not be the "
            "machine's: check where the run was"))
    return out


def location_warnings(models: list[ModelDisclosure]) -> list[Warning_]:
    """INTENSITY_LOCATION_MISMATCH where a reported intensity is not the grid of the run's
    named location (a tool's fallback, another region's average)."""
    from audit.reported_carbon import intensity_location_warning

    out = []
    for m in models:
        for f in m.get("carbon_intensity"):
            if f.value is None or f.basis == "market":
                continue
            try:
                g = float(f.quantity.to("gCO2e/kWh").magnitude)
            except Exception:  # noqa: BLE001 - a unit that does not convert is checked elsewhere
                continue
            out += intensity_location_warning(g, m.location, m.year, m.name,
                                              f"the reported intensity ({f.where})")
    return out


__all__ = ["KNOWN_DEFAULT_INTENSITIES", "coordinate_warnings", "coordinates", "derived_hours",
           "document_warnings", "location_warnings", "run_location", "run_log_lines",
           "scope_near", "sentence_basis", "sentence_warnings", "total_checks",
           "training_dates", "training_precision", "unlisted_energy", "word_cells"]
