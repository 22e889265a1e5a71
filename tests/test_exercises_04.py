"""Notebook 04's exercises: the solutions are true and the answers agree with the library."""


from course_lib import exercises, learning_rate


def test_max_lr_agrees_with_the_bowl():
    assert learning_rate.gd_on_bowl(0.039, (2.0, 50.0), num_steps=300).converged
    assert learning_rate.gd_on_bowl(0.041, (2.0, 50.0), num_steps=300).diverged


def test_max_lr_solution_text_is_true():
    """Exactly what the solution says: 0.039 converges in 300 steps (not yet in 100), 0.041 diverges."""
    assert learning_rate.gd_on_bowl(0.039, (2.0, 50.0), num_steps=300).converged is True
    slow = learning_rate.gd_on_bowl(0.039, (2.0, 50.0))
    assert slow.converged is False and 1e-5 < slow.loss[-1] / slow.loss[0] < 1e-4  # "still 3e-5"
    assert learning_rate.gd_on_bowl(0.041, (2.0, 50.0), num_steps=300).diverged is True


def test_sgd_decay_solution_calls_adam_an_l2_penalty_without_decoupled_decay():
    text = exercises.get("04.sgd_decay").solution
    assert "Adam(weight_decay=2λ) is an L2 penalty too" in text and "decoupled" in text
