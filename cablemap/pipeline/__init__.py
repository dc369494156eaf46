"""The rebuild pipeline, change reports and exports (above layers, risk and render)."""

from cablemap.pipeline.builder import BuildConfig, BuildResult, build, config_from_project, watch
from cablemap.pipeline.diff import change_report, diff_layers, diff_scores
from cablemap.pipeline.exports import export_scores

__all__ = [
    "BuildConfig",
    "BuildResult",
    "build",
    "change_report",
    "config_from_project",
    "diff_layers",
    "diff_scores",
    "export_scores",
    "watch",
]
