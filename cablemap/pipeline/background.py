"""Work a build runs beside its other stages: a forked process, its result read back from the cache.

The scores through time (seven scored years of the 2022 release) take as long as the plan,
exports and briefs together, and need none of them; only the maps read them. A build forks a
process that computes them from the same analysis (inherited, not copied or serialised) and
writes them to their build-cache folder (Parquet and signed JSON, the cache's own format, so
nothing crosses between the processes that could run code); the maps stage reads them from
there. Where ``fork`` is not available, or the child fails, they are computed in the build's own
process instead, and the build says so in its log.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["Background"]

#: Written into the folder by a child whose computation returned nothing.
_NOTHING = "nothing"


class Background:
    """One computation forked off the build, its result saved to and read from a folder.

    Parameters
    ----------
    compute
        What to compute (runs in the child, on the parent's objects as they were at the fork).
    save, load
        Write the result to the folder, and read it back (the build cache's functions).
    folder
        Where the child writes the result (its final cache folder).
    """

    def __init__(
        self,
        compute: Callable[[], Any],
        save: Callable[[Any, Path], Any],
        load: Callable[[Path], Any],
        folder: Path,
    ) -> None:
        self.compute, self.save, self.load, self.folder = compute, save, load, Path(folder)
        self._process: Any = None
        self._value: Any = None
        self._done = False

    def start(self) -> Background:
        """Fork the child (or, without ``fork``, do nothing yet: :meth:`result` computes)."""
        if sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods():
            return self
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=self._child, daemon=True)
        self._process.start()
        return self

    def _child(self) -> None:
        value = self.compute()
        if value is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / _NOTHING).write_text("", encoding="utf-8")
        else:
            self.save(value, self.folder)

    def result(self) -> Any:
        """Return the result: the child's, read back, else computed here."""
        if self._done:
            return self._value
        if self._process is not None:
            self._process.join()
            if self._process.exitcode == 0:
                try:
                    self._value = (
                        None if (self.folder / _NOTHING).exists() else self.load(self.folder)
                    )
                    self._done = True
                    return self._value
                except Exception as exc:
                    logger.warning("Background result unreadable (%s): computed again", exc)
            else:
                logger.warning(
                    "Background process failed (exit %s): computed again", self._process.exitcode
                )
        self._value = self.compute()
        self._done = True
        return self._value

    def stop(self) -> None:
        """End the child if it still runs (a build that failed: it must not hold the lock)."""
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    @property
    def saved(self) -> bool:
        """Whether the result is in :attr:`folder` already (the child wrote it)."""
        return (
            self._done
            and self._process is not None
            and self._process.exitcode == 0
            and self._value is not None
            and self.folder.is_dir()
        )
