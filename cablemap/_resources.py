"""Locate the embedded sample and the default risk models, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for path in candidates:
        if path.exists():
            return path
    msg = f"none of {[str(p) for p in candidates]!r} exists; is cablemap installed completely?"
    raise FileNotFoundError(msg)


def sample_path() -> Path:
    """Return the folder of the embedded Indo-Pacific sample.

    In a source checkout this is ``geodata/sample``; in an installed wheel it is the copy
    bundled inside the package.

    Returns
    -------
    Path
        The sample folder, loadable with :func:`cablemap.load`.
    """
    return _first_existing(
        _PACKAGE_DIR / "_bundled" / "sample",
        _PACKAGE_DIR.parent / "geodata" / "sample",
    )


def risk_models_path() -> Path:
    """Return the folder holding the default risk-model definitions.

    Returns
    -------
    Path
        ``risk_models/`` of the checkout, or its copy bundled in the wheel.
    """
    return _first_existing(
        _PACKAGE_DIR / "_bundled" / "risk_models",
        _PACKAGE_DIR.parent / "risk_models",
    )


#: The cited evidence tables of a layer folder: footprints, operator shares, landing stations.
EVIDENCE_GLOBS = (
    "vendor_footprints*.csv",
    "operator_shares*.csv",
    "landing_station_operators*.csv",
)


def evidence_files(folder: Path | None = None) -> list[Path]:
    """Return the cited evidence tables of a layer folder (default: the embedded sample's).

    Parameters
    ----------
    folder
        A layer folder; ``None`` for the tables embedded with cablemap (``geodata/sample``),
        which every source that names no evidence of its own reads.

    Returns
    -------
    list of Path
        The tables, in a stable order.
    """
    base = sample_path() if folder is None else folder
    return sorted(p for pattern in EVIDENCE_GLOBS for p in base.glob(pattern) if p.is_file())
