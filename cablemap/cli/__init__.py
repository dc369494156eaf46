"""The ``cablemap`` command line: it parses, calls the library once and prints.

Commands live in one module per concern (:mod:`~cablemap.cli.data`,
:mod:`~cablemap.cli.build`, :mod:`~cablemap.cli.score`, :mod:`~cablemap.cli.scenario`,
:mod:`~cablemap.cli.simulate`), their output in :mod:`~cablemap.cli.printers`, and the group
with its one error boundary in :mod:`~cablemap.cli._group`. Each command imports the library
inside its function, so ``cablemap --help`` loads neither geopandas nor folium.
"""

from cablemap.cli import build, data, scenario, score, simulate
from cablemap.cli._group import cli

__all__ = ["build", "cli", "data", "scenario", "score", "simulate"]
