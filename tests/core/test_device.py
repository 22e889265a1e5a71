"""Device handling: the CPU by default, a friendly hint, and fit/predict on a GPU when there is one."""

import pytest
import torch

from course_lib import data, plots, runtime
from course_lib.models import build_mlp
from course_lib.training import evaluate, fit, predict_scores

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def test_cpu_is_the_default_and_the_hint_is_friendly():
    assert runtime.choose_device().type == "cpu"
    assert "CPU" in runtime.accelerator_hint() or "GPU" in runtime.accelerator_hint()
    with pytest.raises(ValueError, match="prefer must be 'cpu' or 'auto'"):
        runtime.choose_device("tpu")


@needs_cuda
def test_auto_finds_the_gpu():
    assert runtime.choose_device("auto").type == "cuda"
    assert "CUDA GPU" in runtime.accelerator_hint()


@needs_cuda
def test_fit_evaluate_predict_and_plot_follow_the_model_to_the_gpu():
    s = data.load("moons", n_samples=400, seed=0)
    model = build_mlp(s, hidden=(16, 16), seed=0).to("cuda")
    h = fit(model, s, lr=0.01, num_epochs=15, clip_grad_norm=5.0, record_grad_norms=True, patience=5)
    assert not h.diverged and h.final("val_metric") > 0.85
    assert next(model.parameters()).device.type == "cuda"
    assert evaluate(model, s.X_test, s.y_test)[1] > 0.85
    p = predict_scores(model, s.X_test)
    assert p.device.type == "cpu" and p.shape == (len(s.X_test),)
    assert plots.decision_grid(model, s.X_train, resolution=20)[2].shape == (20, 20)
