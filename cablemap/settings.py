"""Global settings, read by cablemap at call time.

Change them by assignment (``cablemap.settings.maps_folder = "out"``); every function reads
them when it runs, never at import, so a change takes effect at once.

Attributes
----------
geodata_folder : str | Path
    Where input geodata lives; ``cablemap fetch`` downloads under ``<geodata_folder>/raw``.
    Default ``"./geodata"``.
maps_folder : str | Path
    Where generated HTML maps are written. Default ``"./maps"``.
cache_folder : str | Path
    Where downloaded responses are cached, keyed by the SHA-1 of their URL.
    Default ``"./geodata/raw/cache"``.
default_crs : str
    The CRS every layer is stored in. Default ``"EPSG:4326"``.
requests_timeout : float
    Seconds before a download gives up. Default ``30``.
connect_timeout : float
    Seconds to wait for a connection before failing fast (no network). Default ``5``.
user_cache_folder : str | Path | None
    cablemap's own folder outside every project: it keeps the private key that signs the build
    state and cache of every maps folder (which others may be able to write), so that a
    cache rewritten there is detected. ``None``: ``$XDG_CACHE_HOME/cablemap``, else
    ``~/.cache/cablemap`` (on Windows ``%LOCALAPPDATA%`` + ``cablemap``). Default ``None``.
use_cache : bool
    Reuse cached downloads instead of downloading again. Default ``True``.
landing_end_km : float
    Geometry-only releases: a route end (of any drawn part, so branch ends too) lands at the
    nearest landing point within this geodesic distance, in km. Default ``5.0``.
landing_pass_km : float
    Geometry-only releases: a route vertex between the ends lands at the nearest landing
    point within this distance, in km (ring cables are drawn through their stations).
    Default ``1.0``. See :mod:`cablemap.layers.memberships` for how both were chosen.
"""

from __future__ import annotations

from pathlib import Path

geodata_folder: str | Path = "./geodata"
maps_folder: str | Path = "./maps"
cache_folder: str | Path = "./geodata/raw/cache"
default_crs: str = "EPSG:4326"
requests_timeout: float = 30
connect_timeout: float = 5
user_cache_folder: str | Path | None = None
use_cache: bool = True
landing_end_km: float = 5.0
landing_pass_km: float = 1.0
