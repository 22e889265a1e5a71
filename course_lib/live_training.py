"""Live training, as TensorFlow Playground has it: play, pause, step, reset.

``LiveTraining`` runs a training function in a worker thread that checks in once before the first
epoch and after every epoch. While paused it waits there, so the model, the optimizer's state and the
history stay exactly as they are; ``play`` lets it go on, ``step(n)`` runs ``n`` more epochs and
holds again, ``stop`` ends it (the function's ``should_stop`` answers True). The kernel stays free
meanwhile: the widget polls ``run`` (which grows as it trains) and draws it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .checks import checked


class LiveTraining:
    """``train(should_stop=..., on_start=...)`` in a worker thread that can be paused between epochs.

    ``train`` is called with two keywords: ``on_start(run)`` (the run as soon as it exists: held there
    when started paused) and ``should_stop()`` (called after every epoch: holds while paused, True
    once stopped); ``playground.train_run`` takes both. ``result`` is what it returned.
    """

    @checked
    def __init__(self, train: Callable[..., Any], *, epochs: int | None = None, paused: bool = False):
        self._train = train
        self.epochs = epochs  # the run's length, for an epoch counter (None: not known)
        self._cond = threading.Condition()
        self._paused = bool(paused)
        self._steps: int | None = None  # epochs left before holding again (step); None: no limit
        self._stopped = False
        self.held = False  # True while the thread waits between two epochs
        self.finished = False
        self.epoch = 0  # epochs finished
        self.run: Any = None  # the run as it grows (from on_start)
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, daemon=True, name="playground-training")

    def start(self) -> LiveTraining:
        """Start the worker thread; returns self."""
        self._thread.start()
        return self

    @property
    def paused(self) -> bool:
        """True when it holds (or will hold) at the next epoch's end."""
        return self._paused

    def play(self) -> None:
        """Go on training to the last epoch."""
        with self._cond:
            self._paused, self._steps, self.held = False, None, False
            self._cond.notify_all()

    def pause(self) -> None:
        """Hold at the end of the epoch being trained."""
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    @checked
    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs, then hold."""
        with self._cond:
            self._paused, self._steps, self.held = False, epochs, False
            self._cond.notify_all()

    def stop(self) -> None:
        """End the run at the next epoch's end (a held run ends at once)."""
        with self._cond:
            self._stopped, self.held = True, False
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run holds or has finished; False when ``timeout`` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: self.held or self.finished, timeout)

    def _work(self) -> None:
        try:
            self.result = self._train(should_stop=self._after_epoch, on_start=self._on_start)
        except BaseException as exc:  # kept for the widget to report; the thread must end quietly
            self.error = exc
        finally:
            with self._cond:
                self.finished, self.held = True, False
                self._cond.notify_all()

    def _on_start(self, run: Any) -> None:
        self.run = run
        self._hold()

    def _after_epoch(self) -> bool:
        with self._cond:
            self.epoch += 1
            if self._steps is not None:
                self._steps -= 1
                if self._steps <= 0:
                    self._paused, self._steps = True, None
        return self._hold()

    def _hold(self) -> bool:
        """Wait while paused (and not stopped); True once stopped."""
        with self._cond:
            while self._paused and not self._stopped:
                self.held = True
                self._cond.notify_all()
                self._cond.wait()
            self.held = False
            return self._stopped
