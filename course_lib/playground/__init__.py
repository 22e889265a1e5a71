"""The playground (notebook 01 and `make playground`), one module per concept:

    settings      Settings (every control's value) and the state string that restores them
    runs          train_run: one setting trained, with a snapshot of the network per epoch
    figures       a run's pictures: main view, detail, evaluation, weights graph
    app           the Playground widget (a widgets.Explorer that trains live) and its controls
    toy_data      TensorFlow Playground's data sets in the plane the playground shades
    neuron_maps   every neuron's output over the plane; the network graph
    penalties     L1/L2 penalties; things_to_try: predict-then-run pairs

``from course_lib import playground`` gives their public names."""

# notebook 01's helpers, now in mlp.snapshots: importable from here too for this course version
from ..mlp.snapshots import Snapshots, draw_snapshot, train_with_snapshots
from . import app, figures, runs, settings  # noqa: F401  (the modules, by name)
from .app import Playground, playground
from .figures import (
    draw_evaluation,
    draw_run,
    network_graph_html,
    new_detail_figure,
    new_evaluation_figure,
    new_main_figure,
    render_png,
    run_summary,
    weights_list_html,
)
from .runs import (
    MAX_SNAPSHOTS,
    RESOLUTION,
    Run,
    StopTraining,
    code_for,
    fit_options,
    make_data,
    make_model,
    steps_per_epoch,
    train_run,
    untrained_run,
)
from .settings import (
    ACTIVATIONS,
    BATCH_SIZES,
    CLIPS,
    EPOCHS,
    FEATURE_LABELS,
    FEATURE_SETS,
    LRS,
    PAGE_URL,
    RATES,
    REGULARIZATIONS,
    SCHEDULES,
    VIEW_FIELDS,
    Settings,
    parse_widths,
    read_state,
    state_from_query,
    state_link,
)

__all__ = [
    "ACTIVATIONS",
    "REGULARIZATIONS",
    "SCHEDULES",
    "FEATURE_LABELS",
    "FEATURE_SETS",
    "PAGE_URL",
    "parse_widths",
    "read_state",
    "state_link",
    "state_from_query",
    "LRS",
    "BATCH_SIZES",
    "EPOCHS",
    "RATES",
    "CLIPS",
    "MAX_SNAPSHOTS",
    "RESOLUTION",
    "Settings",
    "VIEW_FIELDS",
    "Run",
    "steps_per_epoch",
    "make_data",
    "make_model",
    "fit_options",
    "StopTraining",
    "train_run",
    "untrained_run",
    "code_for",
    "draw_run",
    "render_png",
    "draw_evaluation",
    "run_summary",
    "weights_list_html",
    "network_graph_html",
    "new_main_figure",
    "new_detail_figure",
    "new_evaluation_figure",
    "Snapshots",
    "train_with_snapshots",
    "draw_snapshot",
    "Playground",
    "playground",
]
