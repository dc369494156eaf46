"""Downloads with a SHA-1-keyed cache; the only module that opens URLs.

``file://`` URLs work like any other, which is how tests and offline users point a
downloader at a local copy.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from cablemap import settings
from cablemap._errors import DownloadError
from cablemap._files import open_regular, write_atomic

logger = logging.getLogger(__name__)


def _cache_file(url: str) -> Path:
    return Path(settings.cache_folder) / hashlib.sha1(url.encode()).hexdigest()  # noqa: S324


def download(url: str, dest: str | Path) -> Path:
    """Download ``url`` to ``dest`` (atomically), reusing the cache when allowed.

    Parameters
    ----------
    url
        An ``http(s)://`` or ``file://`` URL.
    dest
        The file to write.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        If the host cannot be reached (no network fails fast, after
        ``settings.connect_timeout`` seconds), the server answers with an error, or the
        local file does not exist.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    cached = _cache_file(url)
    if settings.use_cache and cached.is_file() and not cached.is_symlink():
        with open_regular(cached, "download cache file", follow=False) as fh:
            write_atomic(dest, fh)
        return dest
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https", "file"):
        msg = f"`url` was {url!r} but only http, https and file URLs are supported"
        raise DownloadError(msg)
    try:
        timeout = settings.connect_timeout if scheme != "file" else None
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            write_atomic(dest, response)  # a fresh file renamed over dest: no link followed
    except urllib.error.HTTPError as exc:
        msg = f"downloading {url!r} failed: HTTP {exc.code} {exc.reason}"
        raise DownloadError(msg) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        msg = (
            f"could not download {url!r}: {reason}. Without network, load a local copy instead "
            "(`cablemap validate PATH`, `cablemap.load(PATH)`) or pass --base-url file:///path/"
        )
        raise DownloadError(msg) from None
    if settings.use_cache and scheme != "file":
        cached.parent.mkdir(parents=True, exist_ok=True)
        with open_regular(dest, "download", follow=False) as fh:
            write_atomic(cached, fh)
    logger.debug("Downloaded %r to %r", url, str(dest))
    return dest
