"""Fetch current public copies of the cable data into ``geodata/raw``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from cablemap import settings
from cablemap._errors import DownloadError
from cablemap._http import download

logger = logging.getLogger(__name__)

#: The open undersea cable map: TeleGeography's data as last released under CC BY-NC-SA 3.0.
TELEGEOGRAPHY_URL = "https://raw.githubusercontent.com/stevesong/open_undersea_cable_map/main/"


def telegeography_files(base_url: str, dest: Path) -> Iterator[str]:
    """Yield the relative paths of a TeleGeography v3 copy, reading the index as it comes.

    The two geo files and ``cable/all.json`` come first; then one ``cable/<id>.json`` per
    cable listed in ``all.json``.
    """
    yield "landing-point/landing-point-geo.json"
    yield "cable/cable-geo.json"
    yield "cable/all.json"
    index = json.loads((dest / "cable" / "all.json").read_text(encoding="utf-8"))
    for entry in index:
        yield f"cable/{entry['id']}.json"


def fetch_telegeography(
    dest: str | Path | None = None,
    *,
    base_url: str = TELEGEOGRAPHY_URL,
    on_file: Callable[[str], None] | None = None,
) -> Path:
    """Download the open undersea cable map (TeleGeography API v3 layout) into a folder.

    Parameters
    ----------
    dest
        Target folder; by default ``<settings.geodata_folder>/raw/telegeography``.
    base_url
        Root of the copy; a ``file:///path/`` URL reads a local mirror.
    on_file
        Called with each relative path once it is downloaded (the CLI's progress bar).

    Returns
    -------
    Path
        The folder, loadable with :func:`cablemap.load`.

    Raises
    ------
    DownloadError
        As soon as one file cannot be had (no network fails on the first file).
    """
    target = Path(settings.geodata_folder) / "raw" / "telegeography" if dest is None else Path(dest)
    base = base_url if base_url.endswith("/") else base_url + "/"
    (target / "supplier").mkdir(parents=True, exist_ok=True)  # marks the v3 layout
    count = 0
    for rel in telegeography_files(base, target):
        try:
            download(base + rel, target / rel)
        except DownloadError:
            logger.info("Fetch stopped after %d file(s) at %r", count, rel)
            raise
        count += 1
        if on_file is not None:
            on_file(rel)
    logger.info("Fetched %d files from %r into %r", count, base, str(target))
    return target


#: PeeringDB's public API; each object type is one JSON document ``{"data": [...]}``.
PEERINGDB_URL = "https://www.peeringdb.com/api/"
PEERINGDB_OBJECTS = ("fac", "org", "ix", "ixfac")
#: Natural Earth admin-0 countries, 1:10m, as published in the project's GitHub repository.
NATURALEARTH_URL = (
    "https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/10m_cultural/"
)
NATURALEARTH_LAYER = "ne_10m_admin_0_countries"
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def fetch_peeringdb(
    dest: str | Path | None = None,
    *,
    base_url: str = PEERINGDB_URL,
    on_file: Callable[[str], None] | None = None,
) -> Path:
    """Download PeeringDB's ``fac``, ``org``, ``ix`` and ``ixfac`` objects as API dump files.

    The folder then loads with :func:`cablemap.layers.facilities.facilities_from_peeringdb`.
    PeeringDB's Acceptable Use Policy applies: use locally, never republish.

    Parameters
    ----------
    dest
        Target folder; by default ``<settings.geodata_folder>/raw/peeringdb``.
    base_url
        The API root; ``file:///path/`` reads a local mirror holding ``<object>-0.json``.
    on_file
        Called with each file name once downloaded.

    Returns
    -------
    Path
        The folder.
    """
    target = Path(settings.geodata_folder) / "raw" / "peeringdb" if dest is None else Path(dest)
    base = base_url if base_url.endswith("/") else base_url + "/"
    local = base.startswith("file:")
    for obj in PEERINGDB_OBJECTS:
        url = base + (f"{obj}-0.json" if local else obj)
        try:
            download(url, target / f"{obj}-0.json")
        except DownloadError:
            if local and obj != "fac":
                continue  # a mirror may lack the optional objects
            raise
        if on_file is not None:
            on_file(f"{obj}-0.json")
    return target


def fetch_naturalearth(
    dest: str | Path | None = None,
    *,
    base_url: str = NATURALEARTH_URL,
    layer: str = NATURALEARTH_LAYER,
    on_file: Callable[[str], None] | None = None,
) -> Path:
    """Download Natural Earth admin-0 countries (public domain) as a shapefile.

    Returns
    -------
    Path
        The ``.shp`` file, loadable with :func:`cablemap.countries_from_file`.
    """
    target = Path(settings.geodata_folder) / "raw" / "naturalearth" if dest is None else Path(dest)
    base = base_url if base_url.endswith("/") else base_url + "/"
    for suffix in _SHAPEFILE_PARTS:
        try:
            download(base + layer + suffix, target / f"{NATURALEARTH_LAYER}{suffix}")
        except DownloadError:
            if suffix == ".cpg":
                continue  # optional encoding file
            raise
        if on_file is not None:
            on_file(layer + suffix)
    return target / f"{NATURALEARTH_LAYER}.shp"
