"""Shared PyTorch code for the course "Training Neural Networks: Tips, Tricks, and Evaluation".

The core, used by every notebook:

    checks          argument validation (@checked), one table of argument kinds
    data            data sets, the one Split container, the toy 2-D sets
    models          the MLP, its blocks and the residual blocks
    activations     activation functions and their derivatives
    initialization  weight initialisation schemes
    training        fit, evaluate, predict: the training loop
    metrics         classification metrics
    plots, style    figures and the one figure style
    widgets, live_figure  the one explorer base class (Explorer; PngExplorer) and slider helpers
    live_training   LiveExplorer: the Explorer that trains in a worker thread (play, pause, step, reset)
    runtime         seeds, threads, device
    checkpoints     saving and loading models (weights_only=True)

One subpackage per part of the lecture, named after its notebook:

    notebook 01  mlp/              approximation, generalization
    notebook 02  evaluation/       metrics in use: thresholds, prevalence, cost, metric choice,
                                   bootstrap intervals (uncertainty)
    notebook 03  architecture/     gradient flow (diagnostics, signals), depth, standardization,
                                   BatchNorm, residual nets, width
    notebook 04  training_tricks/  learning rate, schedules, warm-up, batch size, accumulation,
                                   initialisation, clipping (and an RNN's loss cliff), weight decay
    notebook 05  fine_tuning/      transfer from a pretrained backbone, LoRA
    01 and Voila playground/       the TensorFlow-Playground-like explorer, its things to try
    all          exercises/        predictions and code exercises, one module per notebook

Old flat import paths (``from course_lib import clipping``, ``course_lib.lora``) keep working for this
course version through ``_compat``, with a FutureWarning that names the new path.
"""

from . import _compat

__version__ = "0.2.0"

_compat.install(__name__, {
    "accumulation": "training_tricks",
    "activation_plots": "architecture",
    "approximation": "mlp",
    "approximation_plots": "mlp",
    "batch_size": "training_tricks",
    "batchnorm": "architecture",
    "capacity": "architecture",
    "clipping": "training_tricks",
    "diagnostics": "architecture",
    "explosion": "training_tricks",
    "generalization": "mlp",
    "generalization_plots": "mlp",
    "hyperparameters": "training_tricks",
    "imbalance": "evaluation",
    "learning_rate": "training_tricks",
    "lora": "fine_tuning",
    "lr_finder": "training_tricks",
    "metric_choice": "evaluation",
    "metric_plots": "evaluation",
    "neuron_maps": "playground",
    "operating_point": "evaluation",
    "penalties": "playground",
    "residual": "architecture",
    "resnet": "architecture",
    "schedules": "training_tricks",
    "standardization": "architecture",
    "threshold_explorer": "evaluation",
    "toy_data": "playground",
    "trainability": "architecture",
    "trainability_plots": "architecture",
    "transfer": "fine_tuning",
    "transfer_plots": "fine_tuning",
    "warmup": "training_tricks",
    "weight_decay": "training_tricks",
})
