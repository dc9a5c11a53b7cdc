"""What the report should have disclosed: the items that would make the audit assumption-free.

Per model, each item of DESIGN.md section 8 gets a status:

``disclosed``
    the report states it (the note says where);
``assumed``
    the report is silent and the audit filled the gap: with a registry row, or by deriving
    the item from other disclosures through a method that is itself an approximation (6ND,
    GPU-hours x TDP x fraction); the note names the rows or the method;
``missing``
    the report is silent and the audit has no value for it (it either could not estimate
    it, or it is an item only a disclosure can give, such as failed runs).

The score is the share of items disclosed.  The most valuable missing disclosure is the
non-disclosed item whose disclosure would remove the largest share of the variance of the
emissions estimate, read from the Sobol ranking of :mod:`audit.sensitivity` (sum of the S1
of the assumptions the item would replace; on the log scale the meters are additive, so the
sum is the share of the variance of log-emissions that disappears).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from audit.records import Disclosure, Figure, Footprint, ModelDisclosure

#: (item, description) in the order of the audit sheet.
ITEMS = (
    ("training_compute", "training compute [FLOP]"),
    ("accelerator", "accelerator type"),
    ("accelerator_count", "accelerator count"),
    ("accelerator_hours", "accelerator-hours [hour]"),
    ("energy", "measured energy [MWh], IT or facility level"),
    ("pue", "PUE of the data centre"),
    ("carbon_intensity", "location and carbon-intensity basis (location/market)"),
    ("precision", "numeric precision of training"),
    ("post_training_compute", "fine-tuning / RL / synthetic-data compute"),
    ("experimental_runs", "failed and experimental runs"),
    ("price", "price per accelerator-hour or cost [USD]"),
)
#: Assumptions (sensitivity ``name``) whose place a disclosed item would take, for emissions.
#: Measured energy is counted at IT level (it replaces hours-from-compute and the power
#: model); disclosed at facility level it would replace PUE as well.
REPLACES = {
    "accelerator_hours": ("mfu",),
    "energy": ("mfu", "tdp", "tdp_fraction", "accelerator_power"),
    "pue": ("pue",),
    "carbon_intensity": ("carbon_intensity",),
    "price": ("gpu_hour_price",),
    # only when the audit opted in to the overheads on the final run
    "experimental_runs": ("development_multiplier", "checkpoint_overhead"),
}
POST_TRAINING_SCOPES = ("post-training", "fine-tuning", "finetuning", "rl", "rlhf", "sft",
                        "synthetic-data", "context-extension", "distillation")
EXPERIMENT_SCOPES = ("experiments", "development", "failed", "ablations")
STATUSES = ("disclosed", "assumed", "missing")
FRAME_COLUMNS = ["report", "model", "item", "status", "note", "score", "most_valuable",
                 "most_valuable_share"]


@dataclass(frozen=True)
class Completeness:
    """Disclosure completeness of one model of one report.

    Attributes
    ----------
    report_id, model : str
    items : list of (item, status, note)
        One per entry of :data:`ITEMS`; status is ``disclosed``, ``assumed`` or ``missing``.
    score : float
        Share of items disclosed [0..1].
    most_valuable : str or None
        The non-disclosed item whose disclosure would shrink the emissions interval most;
        None when emissions were reported or depend on no ranged assumption.
    most_valuable_share : float or None
        Share of the variance of log-emissions that item's disclosure removes [0..1] (sum of
        S1); None when not ranked by the sensitivity analysis.
    note : str
        How ``most_valuable`` was chosen.
    """

    report_id: str
    model: str
    items: list[tuple[str, str, str]] = field(default_factory=list)
    score: float = 0.0
    most_valuable: str | None = None
    most_valuable_share: float | None = None
    note: str = ""

    def status(self, item: str) -> str:
        """The status of ``item``.

        Raises
        ------
        KeyError
            If ``item`` is not one of :data:`ITEMS`.
        """
        for name, status, _ in self.items:
            if name == item:
                return status
        raise KeyError(f"unknown item {item!r}; items: {', '.join(i for i, _ in ITEMS)}")


def _figs(m: ModelDisclosure, *names: str) -> list[Figure]:
    return [f for f in m.own_figures if f.field in names]


def _where(figs: list[Figure]) -> str:
    f = figs[0]
    place = f.where
    text = f" ({f.text!r})" if f.text else ""
    return f"stated{', ' + place if place else ''}{text}"


def _derived(fp: Footprint, meter: str) -> str:
    mt = fp.meters[meter]
    how = mt.method or "assumed"
    src = (f"; assumptions: {', '.join(mt.assumptions)}" if mt.assumptions
           else "; from disclosed inputs by an approximate method (no registry row; the "
                "meters table marks it d)")
    return f"not stated; {how}({', '.join(mt.inputs)}){src}"


def _used(fp: Footprint, quantity: str) -> dict | None:
    return next((a for a in fp.assumptions if a["quantity"] == quantity), None)


def _items(m: ModelDisclosure, fp: Footprint) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []

    def add(item: str, status: str, note: str) -> None:
        out.append((item, status, note))

    def from_meter(item: str, fields: tuple[str, ...], meter: str, missing: str) -> None:
        figs = [f for f in _figs(m, *fields) if f.value is not None]
        if figs:
            add(item, "disclosed", _where(figs))
        elif meter in fp.meters:
            add(item, "assumed", _derived(fp, meter))
        else:
            add(item, "missing", missing)

    from_meter("training_compute", ("training_compute",), "training_compute",
               "not stated and not estimable (no N and D, nor GPU-hours with accelerator)")
    printed = f" (printed {m.accelerator_printed!r})" if m.accelerator_printed else ""
    add("accelerator", *(("disclosed", f"{m.accelerator}{printed}")
                         if m.accelerator else ("missing", "no accelerator named: energy "
                                                "cannot be reconstructed")))
    figs = _figs(m, "accelerator_count")
    add("accelerator_count", *(("disclosed", _where(figs)) if figs else
                               ("missing", "not stated (not needed when GPU-hours are)")))
    from_meter("accelerator_hours", ("accelerator_hours",), "accelerator_hours",
               "not stated and not estimable")

    figs = [f for f in _figs(m, "energy", "it_energy", "facility_energy") if f.value is not None]
    if figs:
        pue_stated = bool(_figs(m, "pue"))
        level = ("facility" if any(f.field == "facility_energy" for f in figs) or pue_stated
                 else "IT" if any(f.field == "it_energy" for f in figs) else
                 "IT (level not stated; read as IT)")
        add("energy", "disclosed", f"{_where(figs)}; level: {level}")
    elif "it_energy" in fp.meters:
        add("energy", "assumed", _derived(fp, "it_energy"))
    else:
        add("energy", "missing", "not stated and not estimable")

    a = _used(fp, "pue")
    if _figs(m, "pue"):
        add("pue", "disclosed", _where(_figs(m, "pue")))
    elif a is not None:
        add("pue", "assumed", f"registry row {a['id']} = {a['value']:g} "
                              f"(range {a['low']:g}-{a['high']:g})")
    elif _figs(m, "facility_energy"):
        add("pue", "missing", "not stated; not needed: facility-level energy reported")
    else:
        add("pue", "missing", "not stated")

    ci_figs = [f for f in _figs(m, "carbon_intensity") if f.value is not None]
    em_figs = [f for f in _figs(m, "emissions") if f.basis]
    a = _used(fp, "carbon_intensity")
    if ci_figs:
        basis = ci_figs[0].basis or "basis not stated"
        add("carbon_intensity", "disclosed", f"{_where(ci_figs)}; basis: {basis}")
    elif a is not None:
        where = ("your override" if a.get("override") else
                 f"location {m.location}" if m.location and a["applies_to"] != "world"
                 else "location not stated: world average")
        basis = (f"; emissions stated ({em_figs[0].basis}-based) but not usable as a value"
                 if em_figs else "")
        row = "override" if a.get("override") else f"registry row {a['id']}"
        add("carbon_intensity", "assumed", f"{row} ({where}) = "
                                           f"{a['value']:g} {a['unit']}, location-based{basis}")
    elif em_figs:
        add("carbon_intensity", "disclosed",
            f"emissions stated with a {em_figs[0].basis}-based basis, {_where(em_figs)}")
    elif _figs(m, "emissions"):
        add("carbon_intensity", "missing", "emissions stated without intensity or basis")
    else:
        add("carbon_intensity", "missing", "not stated")

    if m.precision:
        add("precision", "disclosed", m.precision)
    elif m.accelerator and ("training_compute_hardware" in fp.meters or (
            "accelerator_hours" in fp.meters
            and fp.meters["accelerator_hours"].method == "accelerator_hours_from_compute")):
        add("precision", "assumed", "not stated; dense bf16 peak assumed (else fp16, tf32)")
    else:
        add("precision", "missing", "not stated")

    for item, scopes in (("post_training_compute", POST_TRAINING_SCOPES),
                         ("experimental_runs", EXPERIMENT_SCOPES)):
        figs = [f for f in m.own_figures if (f.scope or "").lower() in scopes]
        if figs:
            kinds = sorted({f"{f.field} ({f.scope})" for f in figs})
            add(item, "disclosed", f"{'; '.join(kinds)}: {_where(figs)}")
        else:
            add(item, "missing", "not stated")

    a = _used(fp, "gpu_hour_price")
    figs = [f for f in _figs(m, "gpu_hour_price", "cost") if f.value is not None]
    if figs:
        add("price", "disclosed", _where(figs))
    elif a is not None:
        add("price", "assumed", f"registry row {a['id']} = {a['value']:g} {a['unit']}")
    else:
        add("price", "missing", "not stated")
    return out


def assess(disclosure_model: ModelDisclosure, footprint: Footprint, *,
           rows: Iterable | None = None, samples: int | None = None,
           seed: int | None = None) -> Completeness:
    """Score what one model's report disclosed and name its most valuable missing item.

    Parameters
    ----------
    disclosure_model : ModelDisclosure
        The model row of the report (``Disclosure.models``).
    footprint : Footprint
        Its reconstruction (:func:`audit.reconstruct.reconstruct_model`).
    rows : iterable of SensitivityRow, optional
        The footprint's sensitivity rows (:func:`audit.sensitivity.analyse`); computed here
        (emissions only) when not given.
    samples, seed : int, optional
        For that computation (defaults of :func:`audit.sensitivity.analyse`).

    Returns
    -------
    Completeness

    Raises
    ------
    ValueError
        If the footprint is not of ``disclosure_model`` (model names differ).
    UnknownAssumptionError
        If the sensitivity analysis meets an accelerator the registry lacks.
    """
    m, fp = disclosure_model, footprint
    if m.name != fp.model:
        raise ValueError(f"footprint of {fp.model!r} given for model {m.name!r}")
    items = _items(m, fp)
    score = sum(s == "disclosed" for _, s, _ in items) / len(items)
    if rows is None:
        from audit import sensitivity

        d = Disclosure(report_id=fp.report_id, source={"year": m.year}, models=(m,))
        kw = {k: v for k, v in (("samples", samples), ("seed", seed)) if v is not None}
        rows = sensitivity.analyse(d, fp, meters=("emissions",), **kw)
    em = [r for r in rows if r.meter == "emissions" and r.model == fp.model]
    status = {i: s for i, s, _ in items}
    best, share, note = None, None, ""
    if em:
        s1 = {r.name: max(r.S1, 0.0) for r in em}
        gains = {item: sum(s1.get(n, 0.0) for n in names) for item, names in REPLACES.items()
                 if status.get(item) != "disclosed"}
        gains = {k: v for k, v in gains.items() if v > 0}
        if gains:
            best = max(gains, key=lambda k: (gains[k], -list(REPLACES).index(k)))
            share = gains[best]
            parts = ", ".join(f"{r.name} {max(r.S1, 0):.2f}" for r in em
                              if r.name in REPLACES[best])
            note = (f"disclosing {best} removes {share:.0%} of the variance of log-emissions "
                    f"(S1: {parts})")
            if best == "energy":
                note += "; at facility level it would also remove PUE"
    elif "emissions" not in fp.meters:
        best = next((i for i in ("energy", "accelerator_hours", "accelerator")
                     if status.get(i) != "disclosed"), None)
        note = "emissions could not be estimated" + (f": disclose {best}" if best else "")
    elif fp.meters["emissions"].status == "reported":
        note = "emissions reported: no assumption to remove"
    else:
        note = "emissions depend on no ranged assumption"
    return Completeness(report_id=fp.report_id, model=fp.model, items=items, score=score,
                        most_valuable=best, most_valuable_share=share, note=note)


def completeness_frame(assessments: Iterable[Completeness]) -> pd.DataFrame:
    """``output/disclosure.csv``: one row per report, model and item.

    Returns
    -------
    pandas.DataFrame
        Columns report, model, item, status (disclosed / assumed / missing), note, score
        (share disclosed, repeated per item), most_valuable, most_valuable_share.
    """
    return pd.DataFrame([{"report": c.report_id, "model": c.model, "item": item,
                          "status": status, "note": note, "score": c.score,
                          "most_valuable": c.most_valuable,
                          "most_valuable_share": c.most_valuable_share}
                         for c in assessments for item, status, note in c.items],
                        columns=FRAME_COLUMNS)


__all__ = ["Completeness", "assess", "completeness_frame", "ITEMS", "REPLACES"]
