"""Government and city-system footprints from AidData's Global Huawei Finance dataset.

AidData (William & Mary) lists Chinese-government-financed projects involving Huawei,
2002-2017, with recipient country, sector, status, year and the sources of each project (ODC-By
licence). cablemap reads the CSV export of its main sheet from where it lies (never copied into
the repository) and derives ``vendor_footprints`` rows (:mod:`cablemap.layers.footprints`) for
the government and city domains:

- ``smart_city``: titles or descriptions naming a safe or smart city, surveillance, security
  cameras or CCTV;
- ``national_datacentre``: a data centre or data exchange;
- ``e_government``: government networks, offices, teleconference/video-conference systems,
  e-government, and equipment projects of the sector "Government and civil society".

Training, scholarships and donations to schools are not footprints of a system and are left
out, as are projects AidData does not recommend for its Huawei aggregates and cancelled ones.
Status: ``Completion`` and ``Implementation`` read as ``deployed``, ``Pipeline: ...`` as
``contracted``. ``source`` is the AidData project id and the project's own source URLs as the
file gives them.

Examples
--------
>>> from cablemap.layers.aiddata import footprints_from_aiddata
>>> rows = footprints_from_aiddata("AidDatasGlobalHuaweiFinanceDataset_Huawei_sheet.csv")
>>> rows.loc[rows["iso3"] == "IDN", ["domain", "year"]]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cablemap._errors import SourceFormatError
from cablemap._validate import LoadReport
from cablemap.layers.footprints import complete
from cablemap.layers.iso_codes import iso3_from_name

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

AIDDATA_SOURCE = "AidData Global Huawei Finance Dataset"
_REQUIRED = (
    "AidData TUFF Project ID",
    "Recommended For Huawei Aggregates",
    "Recipient",
    "Commitment Year",
    "Title",
    "Description",
    "Status",
    "AidData Sector Name",
    "Source URLs",
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "smart_city",
        re.compile(r"safe[ -]?city|smart[ -]?city|surveillance|security camera|cctv", re.I),
    ),
    ("national_datacentre", re.compile(r"data (cent(er|re)|exchange)", re.I)),
    (
        "e_government",
        re.compile(
            r"e-?government|government (offices|network)|tele-?conference|video ?conference|"
            r"information and communication systems",
            re.I,
        ),
    ),
)
_NOT_A_SYSTEM = re.compile(
    r"training|trains?\b|scholarship|students?|seeds for the future|school|universit", re.I
)
_STATUS = {"Completion": "deployed", "Implementation": "deployed"}
#: Recipient spellings pycountry does not resolve.
_RECIPIENTS = {"Viet Nam": "VNM", "Lao People's Democratic Republic": "LAO"}


def _domain(title: str, description: str, sector: str) -> str | None:
    if _NOT_A_SYSTEM.search(title):
        return None
    for domain, pattern in _RULES:
        if pattern.search(title):
            return domain
    for domain, pattern in _RULES:
        if pattern.search(description):
            return domain
    if sector.upper() == "GOVERNMENT AND CIVIL SOCIETY" and re.search(
        r"equipment|system|computer", title, re.I
    ):
        return "e_government"
    return None


def _recipient(name: str) -> str | None:
    return _RECIPIENTS.get(name) or iso3_from_name(name)


def _source(project_id: str, urls: str) -> str:
    links = [u.strip() for u in urls.split("|") if u.strip()]
    return "; ".join([f"{AIDDATA_SOURCE}, project {project_id}", *links])


def footprints_from_aiddata(
    path: str | Path, *, report: LoadReport | None = None, countries: Iterable[str] | None = None
) -> pd.DataFrame:
    """Derive government and city-system footprints of Huawei from AidData's CSV.

    Parameters
    ----------
    path
        The CSV export of the dataset's main sheet
        (``AidDatasGlobalHuaweiFinanceDataset_Huawei_sheet.csv``).
    report
        Load report receiving the counts (projects read, rows derived, recipients unknown).
    countries
        Keep only these ISO3 codes; ``None`` keeps every recipient.

    Returns
    -------
    DataFrame
        ``vendor_footprints`` rows (:data:`cablemap.layers.footprints.COLUMNS`), vendor
        ``Huawei``, one per project and domain.

    Raises
    ------
    SourceFormatError
        If the file is missing, unreadable or lacks one of the columns the derivation reads.
    """
    path = Path(path)
    report = LoadReport() if report is None else report
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        msg = f"AidData file {str(path)!r} could not be read: {exc}"
        raise SourceFormatError(msg) from None
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        msg = f"AidData file {str(path)!r}: column(s) {missing} missing"
        raise SourceFormatError(msg)
    keep = None if countries is None else set(countries)
    rows: list[dict[str, Any]] = []
    unknown_recipients: set[str] = set()
    for rec in frame.to_dict(orient="records"):
        if rec["Recommended For Huawei Aggregates"].strip().lower() != "yes":
            continue
        domain = _domain(rec["Title"], rec["Description"], rec["AidData Sector Name"])
        if domain is None:
            continue
        iso3 = _recipient(rec["Recipient"].strip())
        if iso3 is None:
            unknown_recipients.add(rec["Recipient"])
            continue
        if keep is not None and iso3 not in keep:
            continue
        status = _STATUS.get(rec["Status"].strip())
        if status is None and rec["Status"].startswith("Pipeline"):
            status = "contracted"
        if status is None:
            continue
        year = rec["Commitment Year"].strip()
        rows.append(
            {
                "iso3": iso3,
                "vendor": "Huawei",
                "domain": domain,
                "status": status,
                "year": int(year) if year.isdigit() else None,
                "source": _source(rec["AidData TUFF Project ID"].strip(), rec["Source URLs"]),
                "source_date": "",
                "notes": f"AidData: {rec['Title'].strip()}",
            }
        )
    report.count("AidData projects read", len(frame))
    report.count("AidData government/city footprints derived", len(rows))
    if unknown_recipients:
        report.count("AidData recipients without an ISO3 code", len(unknown_recipients))
    out = complete(
        pd.DataFrame(
            rows,
            columns=[
                "iso3",
                "vendor",
                "domain",
                "status",
                "year",
                "source",
                "source_date",
                "notes",
            ],
        )
    )
    logger.info("Derived %d footprints from %r", len(out), str(path))
    return out
