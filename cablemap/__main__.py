"""``python -m cablemap`` runs the command line."""

from cablemap.cli import cli

if __name__ == "__main__":
    cli(prog_name="cablemap")
