"""``python -m cablemap`` runs the command line."""

from cablemap.cli import cli

cli()
