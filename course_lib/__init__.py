"""Shared PyTorch code for the course "Training Neural Networks: Tips, Tricks, and Evaluation".

Each lecture concept lives in one module named after it: ``data``, ``models``, ``training``,
``plots``, ``runtime`` (seeds, threads, device), ``exercises``; the notebooks add their own
(``metrics``, ``activations``, ``schedules``, ``lora`` ...).
"""

__version__ = "0.1.0"
