"""The command group, its one error boundary, and the options several commands share.

Nothing here imports geopandas, folium, scipy or the engines: ``cablemap --help`` and a
build with nothing to do start in a fraction of a second. Each command imports what it runs
inside its function.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cablemap._errors import CablemapError
from cablemap._version import __version__

if TYPE_CHECKING:
    from cablemap.layers.collection import Layers

SOURCE_HELP = (
    "Data to load: a TeleGeography v2/v3 directory, a directory of layer files, a GeoPackage "
    "or a project .toml. Default: the embedded Indo-Pacific sample."
)


def _path_error(exc: OSError) -> str:
    """``'path': reason`` for an OSError about a file (``'a' -> 'b': reason`` for two)."""
    where = repr(str(exc.filename))
    if exc.filename2 is not None:
        where += f" -> {str(exc.filename2)!r}"
    return f"{where}: {exc.strerror or exc}"


class Group(click.Group):
    """The command group, and the one error boundary of every command.

    A :class:`~cablemap.CablemapError`, or an :class:`OSError` naming a path (permission
    denied, not a directory, no such file...), becomes ``Error: <message>`` and exit status 1
    instead of a traceback. Anything else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn expected errors into ``Error: ...`` and exit status 1."""
        try:
            return super().invoke(ctx)
        except CablemapError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            if exc.filename is None:
                raise
            raise click.ClickException(_path_error(exc)) from exc


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cablemap")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or details (-vv).")
def cli(verbose: int) -> None:
    """Map and assess Indo-Pacific submarine cables, landing stations and who runs them."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def source_option(fn: click.decorators.FC) -> click.decorators.FC:
    """``--source``: any supported source, default the embedded sample."""
    return click.option(
        "--source",
        type=click.Path(exists=True, path_type=Path),
        default=None,
        help=SOURCE_HELP,
    )(fn)


model_option = click.option(
    "--model",
    "model_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Model TOML (weights, chokepoints, vendor profile). Default: risk_models/dcs-v2.toml.",
)
countries_option = click.option(
    "--countries",
    "countries_file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Country polygons (e.g. Natural Earth admin-0) for landmasses, capitals and the "
    "basemap. Default: the project's [layers] countries.",
)
region_option = click.option(
    "--region",
    "region_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Region definition (TOML) for the map view. Default: the model's region.",
)
hazards_option = click.option(
    "--hazards",
    "hazard_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Earthquake catalogue (USGS CSV: Date, Latitude, Longitude, Magnitude), repeatable. "
    "Default: the project's [layers] hazards, if any.",
)


def map_options(fn: click.decorators.FC) -> click.decorators.FC:
    """``--model``, ``--countries`` and ``--region``."""
    return model_option(countries_option(region_option(fn)))


def load_quietly(source: Path | None, *, strict: bool = False) -> Layers:
    """Load a source; the load's warnings are printed by the commands that report them."""
    from cablemap.layers import load  # noqa: PLC0415 - commands import what they run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CLI prints the report itself
        return load(source, strict=strict)
