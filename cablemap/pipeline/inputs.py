"""What a command analyses: a source, its model and outlines, read the same way everywhere.

:func:`open_analysis` is what every command that scores, cuts, plans, simulates or writes a
brief starts from. A project file gives the same answer to each of them as to ``cablemap
build``: its country outlines, hazard catalogues, facilities and footprints are used by all
(issue 21: ``score --source project.toml`` once ignored the project's outlines).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cablemap.layers import countries_from_file, load
from cablemap.layers.attach import facilities_from_source, record_sources
from cablemap.layers.facilities import merge_facilities
from cablemap.layers.hazards import earthquakes_from_files
from cablemap.risk.analysis import Analysis
from cablemap.risk.model.spec import load_model

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cablemap.layers.collection import Layers

__all__ = ["open_analysis", "open_layers"]


def open_layers(
    source: str | Path | None = None,
    *,
    countries: str | Path | None = None,
    hazards: Sequence[str | Path] = (),
    facilities: Sequence[str | Path] = (),
) -> Layers:
    """Load a source, then the outlines, catalogues and facilities given beside it.

    Parameters
    ----------
    source
        Any source :func:`cablemap.load` reads (a project file included); default the sample.
    countries
        Country polygons replacing the project's ``[layers] countries``.
    hazards
        Earthquake catalogues replacing the project's ``[layers] hazards``; skipped rows are
        recorded in the load report (``layers.report``).
    facilities
        Facility sources added to the project's.

    Returns
    -------
    Layers
        The layers, with ``countries`` and ``hazards`` as given.
    """
    layers = load(source)
    if countries is not None:
        layers.countries = countries_from_file(countries)
    if facilities:
        frames = [facilities_from_source(Path(f), layers) for f in facilities]
        if layers.facilities is not None:
            frames.insert(0, layers.facilities)
        layers.facilities = (
            merge_facilities(frames, report=layers.report) if len(frames) > 1 else frames[0]
        )
    if hazards:
        layers.hazards = earthquakes_from_files([Path(h) for h in hazards], report=layers.report)
    # the index and the briefs list every source read, with its licence
    return record_sources(
        layers, facilities=facilities, countries=countries, hazards=hazards, added=True
    )


def open_analysis(
    source: str | Path | None = None,
    *,
    model: str | Path | None = None,
    vendor_profile: str | Path | None = None,
    countries: str | Path | None = None,
    hazards: Sequence[str | Path] = (),
    facilities: Sequence[str | Path] = (),
    year: int | None = None,
    cross_border: Sequence[tuple[str, str]] = (),
) -> Analysis:
    """Load a source and its model into one :class:`~cablemap.risk.analysis.Analysis`.

    The model (and the vendor profile) are read first, so a bad model file stops the command
    before the data is loaded.

    Parameters
    ----------
    source, countries, hazards, facilities
        As for :func:`open_layers`.
    model
        The model file; default ``risk_models/dcs-v2.toml``.
    vendor_profile
        A vendor profile replacing the model's.
    year
        Analyse the network as it stood in this year.
    cross_border
        Land links to assume besides the model's (pairs of ISO3 codes).

    Returns
    -------
    Analysis
        The analysis; nothing is computed until asked.

    Examples
    --------
    >>> from cablemap.pipeline.inputs import open_analysis
    >>> open_analysis().scores.explain("TON")["status"]  # doctest: +SKIP
    'single_cable'
    """
    spec = load_model(model, vendor_profile=vendor_profile)
    layers = open_layers(source, countries=countries, hazards=hazards, facilities=facilities)
    return Analysis(layers, spec, year=year, cross_border=tuple(cross_border))
