"""fit(): learning, divergence, schedules, warm-up, accumulation, clipping, early stopping."""

import math

import pytest
import torch

from course_lib import data
from course_lib.models import MLP, build_mlp
from course_lib.training import DIVERGENCE_ADVICE, evaluate, fit, make_optimizer, predict, predict_scores


@pytest.fixture(scope="module")
def moons():
    return data.load("moons", n_samples=400, noise=0.2, seed=0)


def test_fit_learns_moons_and_records_history(moons):
    model = build_mlp(moons, hidden=(16, 16))
    h = fit(model, moons, lr=0.01, batch_size=32, num_epochs=20)
    assert h.num_epochs == 20 and not h.diverged
    assert h.num_steps == 20 * math.ceil(len(moons.X_train) / 32) == len(h.lr)
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.final("val_metric") > 0.9
    assert h.epoch_steps[-1] == h.num_steps and h.epoch_time == sorted(h.epoch_time)
    assert evaluate(model, moons.X_val, moons.y_val)[1] == pytest.approx(h.final("val_metric"))
    assert "val accuracy" in repr(h)


def test_fit_is_reproducible_with_a_seed(moons):
    runs = [fit(build_mlp(moons, seed=1), moons, num_epochs=3, seed=5).step_loss for _ in range(2)]
    assert runs[0] == runs[1]


def test_divergence_stops_and_reports_instead_of_raising(moons):
    h = fit(build_mlp(moons), moons, optimizer="sgd", lr=1e4, num_epochs=5)
    assert h.diverged and "diverged" in h.message and "learning rate" in h.message
    assert h.num_steps < 5 * 8
    assert "diverged" in repr(h)


def test_a_diverged_run_records_where_as_data_not_only_in_its_message(moons):
    h = fit(build_mlp(moons), moons, optimizer="sgd", lr=1e4, num_epochs=5)  # blows up mid-epoch
    assert h.diverged and h.diverged_step == h.num_steps + 1 and h.diverged_epoch >= 1
    assert f"at step {h.diverged_step} (epoch {h.diverged_epoch})" in h.message
    assert h.message.endswith(DIVERGENCE_ADVICE) and h.diverged_loss is not None
    calm = fit(build_mlp(moons), moons, num_epochs=1)
    assert not calm.diverged
    assert calm.diverged_loss is calm.diverged_epoch is calm.diverged_step is None


def test_a_loss_that_overflows_at_an_epoch_end_records_that_epoch_and_the_next_step():
    # full batch, one step per epoch: the step at lr 1e6 is taken on a finite loss, and the epoch's
    # end-of-epoch measurement finds the MSE infinite
    s = data.load("regression", n_samples=300, n_features=10, seed=0)
    h = fit(MLP(10, hidden=(64, 64), task="regression", seed=0), s, optimizer="sgd", lr=1e6,
            batch_size=1000, num_epochs=5)
    assert h.diverged and h.message.startswith("training diverged in epoch 1")
    assert (h.diverged_epoch, h.diverged_step, h.num_steps) == (1, 2, 1)
    assert h.diverged_loss == math.inf == h.train_loss[-1]


def test_regression_with_unscaled_targets_diverges_without_clipping_and_not_with():
    s = data.load("regression", n_samples=300, n_features=10, seed=0)
    common = dict(optimizer="sgd", lr=0.01, batch_size=32, num_steps=200, seed=0)
    wild = fit(MLP(10, hidden=(64, 64), task="regression", seed=0), s, **common)
    tame = fit(MLP(10, hidden=(64, 64), task="regression", seed=0), s, clip_grad_norm=10.0, **common)
    assert wild.diverged
    assert not tame.diverged and all(math.isfinite(v) for v in tame.step_loss)
    assert max(tame.grad_norm) > 10 and any(tame.clipped)


def test_clipping_caps_the_global_norm_and_keeps_direction():
    torch.manual_seed(0)
    model = torch.nn.Linear(5, 1)
    model(torch.randn(8, 5)).pow(2).sum().mul(1000).backward()
    before = torch.cat([p.grad.flatten() for p in model.parameters()]).clone()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    after = torch.cat([p.grad.flatten() for p in model.parameters()])
    assert after.norm().item() == pytest.approx(1.0, rel=1e-5)
    assert torch.nn.functional.cosine_similarity(before, after, dim=0).item() == pytest.approx(1.0)


def test_warmup_matches_torch_linear_lr(moons):
    h = fit(build_mlp(moons), moons, optimizer="sgd", lr=0.1, warmup_steps=10, num_steps=15)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / 11, total_iters=10)
    expected = []
    for _ in range(15):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert h.lr == pytest.approx(expected)
    assert h.lr[-1] == pytest.approx(0.1)


def test_scheduler_factory_per_step_and_per_epoch(moons):
    step = fit(build_mlp(moons), moons, lr=0.1, num_epochs=2, optimizer="sgd",
               scheduler=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5))
    assert step.lr[:9] == pytest.approx([0.1] * 4 + [0.05] * 4 + [0.025])
    epoch = fit(build_mlp(moons), moons, lr=0.1, num_epochs=3, optimizer="sgd", scheduler_interval="epoch",
                scheduler=lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.5))
    per_epoch = len(epoch.lr) // 3
    assert epoch.lr[0] == pytest.approx(0.1) and epoch.lr[per_epoch] == pytest.approx(0.05)


def test_warmup_then_cosine_and_plateau(moons):
    h = fit(build_mlp(moons), moons, lr=0.1, optimizer="sgd", warmup_steps=5, num_steps=30,
            scheduler=lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=25))
    assert h.lr[4] < h.lr[5] == pytest.approx(0.1) and h.lr[-1] < 0.01
    plateau = fit(build_mlp(moons), moons, lr=0.1, num_epochs=6,
                  scheduler=lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=0))
    assert not plateau.diverged
    with pytest.raises(ValueError, match="warmup_steps"):
        fit(build_mlp(moons), moons, warmup_steps=3,
            scheduler=lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o))


def test_accumulation_equals_one_large_batch():
    torch.manual_seed(0)
    X, y = torch.randn(128, 4), torch.randint(0, 2, (128,))
    big, small = MLP(4, hidden=(8,), seed=0), MLP(4, hidden=(8,), seed=0)
    fit(big, (X, y), optimizer="sgd", lr=0.1, batch_size=128, num_steps=1)
    h = fit(small, (X, y), optimizer="sgd", lr=0.1, batch_size=32, accumulation_steps=4, num_steps=1)
    assert h.num_steps == 1
    for p, q in zip(big.parameters(), small.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-6)


def test_early_stopping_restores_the_best_weights(moons):
    model = build_mlp(moons, hidden=(64, 64))
    h = fit(model, moons, lr=0.05, num_epochs=60, patience=3)
    assert h.stopped_early and h.best_epoch is not None and h.num_epochs < 60
    best = min(h.val_loss)
    assert evaluate(model, moons.X_val, moons.y_val)[0] == pytest.approx(best, rel=1e-5)


def test_record_grad_norms_per_layer(moons):
    h = fit(build_mlp(moons, hidden=(8, 8)), moons, num_steps=5, record_grad_norms=True)
    assert h.layer_names == ["body.block1.linear", "body.block2.linear", "head"]
    assert len(h.layer_grad_norms) == 5 and all(len(r) == 3 for r in h.layer_grad_norms)


def test_frozen_parameters_stay_frozen(moons):
    model = build_mlp(moons, hidden=(8, 8))
    for p in model.body.parameters():
        p.requires_grad_(False)
    before = [p.clone() for p in model.body.parameters()]
    fit(model, moons, num_epochs=2, optimizer="adamw")
    assert all(torch.equal(a, b) for a, b in zip(before, model.body.parameters(), strict=True))


def test_optimizers_by_name():
    params = [torch.nn.Parameter(torch.zeros(2))]
    assert make_optimizer("momentum", params, 0.1).param_groups[0]["momentum"] == 0.9
    assert make_optimizer("adamw", params, 0.1).param_groups[0]["weight_decay"] == 0.01
    assert make_optimizer("adam", params, 0.1).param_groups[0]["weight_decay"] == 0


def test_predict_and_scores(moons):
    model = build_mlp(moons)
    fit(model, moons, num_epochs=5, lr=0.01)
    p = predict_scores(model, moons.X_test)
    assert p.shape == (len(moons.X_test),) and ((p >= 0) & (p <= 1)).all()
    assert torch.equal(predict(model, moons.X_test), (p >= 0.5).long())
    digits = data.load("digits")
    m = build_mlp(digits, hidden=(8,))
    assert torch.allclose(predict_scores(m, digits.X_test).sum(1), torch.ones(len(digits.X_test)))


def test_regression_metric_is_r2():
    s = data.load("sin", n_samples=200, noise=0.05)
    h = fit(build_mlp(s, hidden=(32, 32), activation="tanh"), s, lr=0.01, batch_size=16, num_epochs=40)
    assert h.metric_name == "R²" and h.final("val_metric") > 0.9


def test_regression_with_several_outputs_uses_mse_and_mean_r2():
    from sklearn.metrics import r2_score

    from course_lib.training import loss_function, score

    rng = torch.Generator().manual_seed(0)
    X, Y = torch.randn(64, 3, generator=rng), torch.randn(64, 4, generator=rng)
    model = MLP(3, out_features=4, hidden=(16,), task="regression")
    h = fit(model, (X, Y, X, Y), lr=0.01, batch_size=64, num_steps=50)
    assert not h.diverged and h.train_loss[-1] < h.train_loss[0]
    with torch.no_grad():
        Y_hat = model(X)
    assert loss_function("regression")(Y_hat, Y).item() == pytest.approx(((Y_hat - Y) ** 2).mean().item())
    assert score("regression", Y_hat, Y) == pytest.approx(r2_score(Y.numpy(), Y_hat.numpy()), abs=1e-5)
    assert h.final("val_metric") == pytest.approx(r2_score(Y.numpy(), Y_hat.numpy()), abs=1e-5)
    with pytest.raises(ValueError, match="y must have shape"):
        fit(model, (X, torch.zeros(64, 4, 1)), num_steps=1)


def test_eval_every_skips_measurements_but_not_steps():
    X, y = torch.randn(10, 2, generator=torch.Generator().manual_seed(0)), torch.randn(10)
    models = [MLP(2, 1, hidden=(8,), task="regression", seed=0) for _ in range(2)]
    every, sparse = (fit(m, (X, y), lr=1e-2, batch_size=10, num_steps=25, eval_every=k)
                     for m, k in zip(models, (1, 10), strict=True))
    assert every.num_steps == sparse.num_steps == 25 and len(every.train_loss) == 25
    assert sparse.epoch_steps == [10, 20, 25] and sparse.train_loss[-1] == every.train_loss[-1]
    assert sparse.epochs == [10, 20, 25] and sparse.num_epochs == every.num_epochs == 25
    with pytest.raises(ValueError, match="eval_every must be 1 with patience"):
        fit(models[0], (X, y, X, y), batch_size=10, num_epochs=2, patience=1, eval_every=5)
