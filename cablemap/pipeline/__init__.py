"""The rebuild pipeline, change reports and exports (above layers, risk and render).

Names here are imported on first use.
"""

from typing import TYPE_CHECKING

from cablemap._lazy import lazy_exports

_LAZY = {
    **dict.fromkeys(
        ["BuildConfig", "BuildResult", "build", "config_from_project", "watch"],
        "cablemap.pipeline.builder",
    ),
    **dict.fromkeys(["change_report", "diff_layers", "diff_scores"], "cablemap.pipeline.diff"),
    "export_scores": "cablemap.pipeline.exports",
    **dict.fromkeys(["open_analysis", "open_layers"], "cablemap.pipeline.inputs"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from cablemap.pipeline.builder import (
        BuildConfig,
        BuildResult,
        build,
        config_from_project,
        watch,
    )
    from cablemap.pipeline.diff import change_report, diff_layers, diff_scores
    from cablemap.pipeline.exports import export_scores
    from cablemap.pipeline.inputs import open_analysis, open_layers

__all__ = [
    "BuildConfig",
    "BuildResult",
    "build",
    "change_report",
    "config_from_project",
    "diff_layers",
    "diff_scores",
    "export_scores",
    "open_analysis",
    "open_layers",
    "watch",
]
