"""Meter functions: the chain of DESIGN.md section 7, pure, pint in and out.

Each function works on scalars and on numpy arrays of Monte Carlo samples alike, checks the
dimension of what it is given (a wrong-dimension input raises
:class:`~audit.errors.UnitError`), and is named in a derived meter's ``method``.
:mod:`audit.reconstruct` plans the route through them.
"""

from __future__ import annotations

from audit.units import Q_, check_dimension


def compute_from_params_tokens(n_parameters, n_tokens):  # noqa: ANN001, ANN201
    """Training compute by operation counting, C = 6 N D.

    Parameters
    ----------
    n_parameters : pint.Quantity [dimensionless], scalar or shape (n,)
        N, the (active, for MoE) parameter count.
    n_tokens : pint.Quantity [dimensionless], scalar or shape (n,)
        D, training tokens.

    Returns
    -------
    pint.Quantity [FLOP]

    Notes
    -----
    2ND for the forward pass and 4ND for the backward pass; attention FLOPs are ignored.

    References
    ----------
    Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv 2001.08361, sec. 2.1;
    Hoffmann et al. 2022, arXiv 2203.15556, appendix F.

    Examples
    --------
    >>> compute_from_params_tokens(Q_(37e9, ""), Q_(14.8e12, "")).to("FLOP")
    <Quantity(3.2856e+24, 'FLOP')>
    """
    return (6 * n_parameters * n_tokens * Q_(1, "FLOP")).to("FLOP")


def compute_from_accelerator_hours(accelerator_hours, peak_throughput, mfu):  # noqa: ANN001, ANN201
    """Training compute by hardware time, C = hours x peak x MFU.

    Parameters
    ----------
    accelerator_hours : pint.Quantity [hour]
    peak_throughput : pint.Quantity [FLOP/s], dense, per chip
    mfu : pint.Quantity [dimensionless]

    Returns
    -------
    pint.Quantity [FLOP]

    References
    ----------
    Sevilla et al. 2022, "Estimating training compute of deep learning models", Epoch AI,
    method 2 (hardware details and usage).
    """
    check_dimension(accelerator_hours, "accelerator_hours")
    return (accelerator_hours * peak_throughput * mfu).to("FLOP")


def accelerator_hours_from_compute(training_compute, peak_throughput, mfu, speedup=None):  # noqa: ANN001, ANN201
    """GPU-hours to deliver a training compute at a utilisation.

    Parameters
    ----------
    training_compute : pint.Quantity [FLOP]
    peak_throughput : pint.Quantity [FLOP/s], dense, per chip
    mfu : pint.Quantity [dimensionless], 0..1
    speedup : pint.Quantity [dimensionless], optional
        Throughput factor on the peak (e.g. 1.6 for FP8 over BF16).

    Returns
    -------
    pint.Quantity [hour]

    Notes
    -----
    hours = C / (peak x speedup x MFU).

    Examples
    --------
    >>> h = accelerator_hours_from_compute(Q_(4.5e5, "PFLOP_day"), Q_(0.99, "PFLOP/s"),
    ...                                    Q_(0.35, ""))
    >>> round(h.to("hour").magnitude)
    31168831
    """
    check_dimension(training_compute, "training_compute")
    eff = peak_throughput * mfu * (speedup if speedup is not None else 1)
    return (training_compute / eff).to("hour")


def accelerator_hours_from_count_duration(accelerator_count, training_duration):  # noqa: ANN001, ANN201
    """GPU-hours = chips x wall-clock duration [hour]."""
    check_dimension(training_duration, "training_duration")
    return (accelerator_count * training_duration).to("hour")


def accelerator_hours_from_rate(rate_per_trillion_tokens, n_tokens):  # noqa: ANN001, ANN201
    """GPU-hours from a rate per trillion tokens times the token count [hour]."""
    return (rate_per_trillion_tokens * n_tokens / 1e12).to("hour")


def energy_from_accelerator_hours(accelerator_hours, accelerator_power):  # noqa: ANN001, ANN201
    """IT energy = GPU-hours x mean power per accelerator.

    Parameters
    ----------
    accelerator_hours : pint.Quantity [hour]
    accelerator_power : pint.Quantity [W]

    Returns
    -------
    pint.Quantity [MWh]

    References
    ----------
    Touvron et al. 2023 (LLaMA), sec. 6.1 / Table 15: Wh = GPU-h x GPU power x PUE.
    """
    check_dimension(accelerator_power, "accelerator_power")
    return (accelerator_hours * accelerator_power).to("MWh")


def facility_energy_from_it_energy(it_energy, pue):  # noqa: ANN001, ANN201
    """Facility energy = IT energy x PUE [MWh] (The Green Grid, PUE definition)."""
    check_dimension(it_energy, "energy")
    return (it_energy * pue).to("MWh")


def emissions_from_energy(facility_energy, carbon_intensity):  # noqa: ANN001, ANN201
    """Operational emissions = facility energy x grid carbon intensity.

    Parameters
    ----------
    facility_energy : pint.Quantity [MWh]
    carbon_intensity : pint.Quantity [gCO2e/kWh]

    Returns
    -------
    pint.Quantity [tCO2e]

    References
    ----------
    Patterson et al. 2021, "Carbon Emissions and Large Neural Network Training",
    arXiv 2104.10350, sec. 2 (tCO2e = MWh x tCO2e/MWh).

    Examples
    --------
    >>> emissions_from_energy(Q_(1287, "MWh"), Q_(429, "gCO2e/kWh")).to("tCO2e")
    <Quantity(552.123, 'tCO2e')>
    """
    check_dimension(facility_energy, "energy")
    check_dimension(carbon_intensity, "carbon_intensity")
    return (facility_energy * carbon_intensity).to("tCO2e")


def cost_from_accelerator_hours(accelerator_hours, gpu_hour_price):  # noqa: ANN001, ANN201
    """Cost = GPU-hours x price per GPU-hour [USD]."""
    check_dimension(gpu_hour_price, "gpu_hour_price")
    return (accelerator_hours * gpu_hour_price).to("USD")


def facility_energy_from_pue_adjusted_power(accelerator_hours, accelerator_power):  # noqa: ANN001, ANN201
    """Facility energy = GPU-hours x power per accelerator already adjusted for PUE [MWh].

    Parameters
    ----------
    accelerator_hours : pint.Quantity [hour]
    accelerator_power : pint.Quantity [W]
        Power per accelerator that the report says includes the facility overhead.

    Returns
    -------
    pint.Quantity [MWh]

    References
    ----------
    Meta, Llama 2 / 3 / 3.1 model cards, "Carbon Footprint": "Power Consumption: peak power
    capacity per GPU device for the GPUs used adjusted for power usage efficiency".
    """
    check_dimension(accelerator_power, "accelerator_power")
    return (accelerator_hours * accelerator_power).to("MWh")


def embodied_emissions_from_hours(accelerator_hours, embodied_per_accelerator,  # noqa: ANN001, ANN201
                                  hardware_lifetime, hardware_utilisation):  # noqa: ANN001
    """Embodied (manufacturing) emissions amortised over the GPU-hours of the run.

    Parameters
    ----------
    accelerator_hours : pint.Quantity [hour]
    embodied_per_accelerator : pint.Quantity [kgCO2e]
        Manufacturing emissions of one accelerator (with its host share, if the row says so).
    hardware_lifetime : pint.Quantity [year]
    hardware_utilisation : pint.Quantity [dimensionless]
        Share of the lifetime the hardware is in use.

    Returns
    -------
    pint.Quantity [tCO2e]
        embodied x hours / (lifetime x utilisation); never added to operational emissions.

    References
    ----------
    Luccioni, Viguier, Ligozat 2022, "Estimating the Carbon Footprint of BLOOM", sec. 4.1
    (150 kgCO2e per A100; 6-year lifetime at 85 % use).

    Examples
    --------
    >>> embodied_emissions_from_hours(Q_(1_082_990, "hour"), Q_(150, "kgCO2e"),
    ...                               Q_(6, "year"), Q_(0.85, "")).to("tCO2e")
    <Quantity(3.63365812, 'tCO2e')>
    """
    return (embodied_per_accelerator * accelerator_hours
            / (hardware_lifetime * hardware_utilisation)).to("tCO2e")


def with_checkpoint_overhead(x, checkpoint_overhead):  # noqa: ANN001, ANN201
    """x x (1 + overhead): checkpointing, restarts and failures on top of the final run.

    Parameters
    ----------
    x : pint.Quantity [any]
        GPU-hours, energy, emissions or cost of the final run.
    checkpoint_overhead : pint.Quantity [dimensionless]

    Returns
    -------
    pint.Quantity [unit of x]
    """
    return x * (1 + checkpoint_overhead.to("dimensionless"))


def with_development_multiplier(x, development_multiplier):  # noqa: ANN001, ANN201
    """x x multiplier: the whole development effort from the final run [unit of x]."""
    return x * development_multiplier.to("dimensionless")


def accelerator_power_from_tdp(tdp, tdp_fraction):  # noqa: ANN001, ANN201
    """Mean accelerator power = TDP x fraction of TDP drawn [W] (Epoch AI cost model)."""
    return (tdp * tdp_fraction).to("W")


__all__ = ["accelerator_hours_from_compute", "accelerator_hours_from_count_duration",
           "accelerator_hours_from_rate", "accelerator_power_from_tdp",
           "compute_from_accelerator_hours", "compute_from_params_tokens",
           "cost_from_accelerator_hours", "embodied_emissions_from_hours",
           "emissions_from_energy", "energy_from_accelerator_hours",
           "facility_energy_from_it_energy", "facility_energy_from_pue_adjusted_power",
           "with_checkpoint_overhead", "with_development_multiplier"]
