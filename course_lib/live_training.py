"""Live training, as TensorFlow Playground has it: play, pause, step, reset.

``LiveTraining`` runs a training function in a worker thread that checks in once before the first
epoch and after every epoch. While paused it waits there, so the model, the optimizer's state and the
history stay exactly as they are; ``play`` lets it go on, ``step(n)`` runs ``n`` more epochs and
holds again, ``stop`` ends it (the function's ``should_stop`` answers True). The kernel stays free
meanwhile. ``LiveExplorer`` is the ``widgets.Explorer`` around it: its buttons act on the run, and it
polls the run's ``epoch`` and ``held`` (and what the subclass asks for) to draw it as it grows.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

import ipywidgets as W

from .checks import checked
from .widgets import Explorer


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
        self._thread = threading.Thread(target=self._work, daemon=True, name="live-training")

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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's running asyncio loop, or None (plain Python, tests)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _epoch_text(epoch: int, epochs: int | None, phase: str) -> str:
    """The epoch counter: "epoch 12 / 40" and whether it trains, holds or is done."""
    return f"<b>epoch {epoch} / {epochs}</b> <span style='color:#555'>{phase}</span>"


class LiveExplorer(Explorer):
    """An ``Explorer`` that trains in the background, with TensorFlow Playground's play, pause, step, reset.

    ``start_live(train, epochs)`` runs ``train`` in a worker thread (``LiveTraining``); the buttons of
    ``transport`` act on it. In a kernel the pictures follow it from the event loop (the page stays
    live); in plain Python (tests, scripts) each call blocks until the run holds or ends. A subclass
    draws the run as it grows (``_on_live``), shows how it ended (``_on_live_end``), and says what
    ``reset`` and ▶ on a finished run (``replay_finished``) do.
    """

    live_picture_s: float = 0.3  # while a run trains: a new picture at most this often

    def _setup(self, min_height_px: int) -> None:
        """The base's setup, the live run (none yet) and the transport buttons."""
        super()._setup(min_height_px)
        self.live: LiveTraining | None = None
        self.follow_task: asyncio.Task | None = None  # the event-loop task drawing the live run
        self._followed: LiveTraining | None = None  # the run it draws
        self.transport = self._transport()

    @property
    def unfinished(self) -> bool:
        """True while a live run trains or holds (it has not finished)."""
        return self.live is not None and not self.live.finished

    def _transport(self) -> W.HBox:
        """The play, pause, step and reset buttons and the epoch counter, wired to the live run."""
        self.play_button = W.Button(description="▶ play", layout=W.Layout(width="78px"),
                                    tooltip="go on training")
        self.pause_button = W.Button(description="❚❚ pause", disabled=True, layout=W.Layout(width="94px"),
                                     tooltip="hold the training after this epoch; play goes on")
        self.step_button = W.Button(description="step", layout=W.Layout(width="62px"),
                                    tooltip="train one epoch, then hold")
        self.reset_button = W.Button(description="↺ reset", layout=W.Layout(width="78px"),
                                     tooltip="back to the untrained network (epoch 0), held")
        self.epoch_label = W.HTML(layout=W.Layout(width="150px"))
        self.play_button.on_click(lambda _: self.play())
        self.pause_button.on_click(lambda _: self.pause())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        return W.HBox([self.play_button, self.pause_button, self.step_button, self.reset_button,
                       self.epoch_label], layout=W.Layout(align_items="center"))

    def start_live(self, train: Callable[..., Any], epochs: int, *, paused: bool = False) -> LiveTraining:
        """Run ``train(should_stop=..., on_start=...)`` for ``epochs`` epochs in a thread; follow it."""
        self._stop_live()
        live = LiveTraining(train, epochs=epochs, paused=paused)
        self.live = live
        self.timings.pop("first_picture", None)
        live.start()
        self._follow_soon(live)
        return live

    def _stop_live(self) -> None:
        """End the live run, if one trains or holds (its thread ends at its next check-in)."""
        if self.unfinished:
            self.live.stop()
        self.live = None

    def _follow_soon(self, live: LiveTraining) -> None:
        """Follow ``live``: from the kernel's event loop, or, without one, now. A follower of an earlier
        run ends by itself; one that follows ``live`` already (held, then played on) is kept."""
        loop = _running_loop()
        if loop is None:
            self._follow_now(live)
        elif self.follow_task is None or self.follow_task.done() or self._followed is not live:
            self._followed = live
            self.follow_task = loop.create_task(self._follow(live))

    def _follow_now(self, live: LiveTraining) -> None:
        """Without an event loop: block until ``live`` holds or ends, then show it."""
        started = time.perf_counter()
        live.wait()
        if live.finished:
            self._finish(live)
        else:
            self._show_epoch(live.epoch, live.epochs, "held")
            self._on_live(live)
            self._sync_buttons()
        self.timings.setdefault("first_picture", time.perf_counter() - started)

    async def _follow(self, live: LiveTraining) -> None:
        """Draw ``live`` as it trains (the epoch counter at once, a picture per new ``_live_progress``
        at most every ``live_picture_s``), and show how it ended; a run replaced by another is dropped."""
        started, drawn_at, shown = time.perf_counter(), 0.0, None
        self._sync_buttons()
        while self.live is live and not live.finished:
            self._show_epoch(live.epoch, live.epochs, "held" if live.held else "training")
            seen = self._live_progress(live)
            due = shown is None or live.held or time.perf_counter() - drawn_at > self.live_picture_s
            if seen is not None and seen != shown and due:
                self._on_live(live)
                self._sync_buttons()
                shown, drawn_at = seen, time.perf_counter()
                self.timings.setdefault("first_picture", drawn_at - started)
            await asyncio.sleep(0.03)
        if self.live is live:
            self._finish(live)

    def _finish(self, live: LiveTraining) -> None:
        """The run ended: keep its error, if any, and show its result."""
        if live.error is not None:
            self.errors.append(f"{type(live.error).__name__}: {live.error}")
        self.live = None
        self._on_live_end(live)
        self._sync_buttons()

    def _show_epoch(self, epoch: int, epochs: int | None, phase: str) -> None:
        """The epoch counter beside the buttons: "epoch 12 / 40 training" (held, done)."""
        self.epoch_label.value = _epoch_text(epoch, epochs, phase)

    def _sync_buttons(self) -> None:
        """Pause while it trains; play and step while it holds (play also replays a finished run)."""
        live = self.live
        running = live is not None and not live.finished and not live.paused
        self.pause_button.disabled = not running
        self.pause_button.button_style = "warning" if running else ""
        self.step_button.disabled = live is None or live.finished
        self.play_button.disabled = running

    def play(self) -> None:
        """▶: go on training a held run; a finished run plays back (``replay_finished``)."""
        if self.unfinished:
            self.live.play()
            self._sync_buttons()
            self._follow_soon(self.live)
        else:
            self.replay_finished()

    def pause(self) -> None:
        """⏸: hold the training after the epoch it is in (model, optimizer and history kept)."""
        if self.unfinished:
            self.live.pause()
            self._sync_buttons()

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs, then hold (a finished run has none left)."""
        if self.unfinished:
            self.live.step(epochs)
            self._sync_buttons()
            self._follow_soon(self.live)

    def _in_background(self, coroutine: Callable[..., Any], **at_once: Any) -> None:
        """Run ``coroutine()`` as a task of the kernel's event loop (the page stays live); where there is
        none (tests, scripts), run ``coroutine(**at_once)`` to its end now."""
        loop = _running_loop()
        if loop is None:
            asyncio.run(coroutine(**at_once))
        else:
            loop.create_task(coroutine())

    # -- what a subclass says --
    def _live_progress(self, live: LiveTraining) -> Hashable | None:
        """What a new picture of ``live`` would show (a new value: draw again); None: nothing yet."""
        return live.epoch, live.held

    def _on_live(self, live: LiveTraining) -> None:
        """Draw the live run as it is now."""
        raise NotImplementedError

    def _on_live_end(self, live: LiveTraining) -> None:
        """Show the run ``live`` ended with."""
        raise NotImplementedError

    def reset(self) -> None:
        """↺: the untrained model of this setting, held."""
        raise NotImplementedError

    def replay_finished(self) -> None:
        """▶ on a finished run: play it back."""
        raise NotImplementedError
