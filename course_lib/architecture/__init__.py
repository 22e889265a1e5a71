"""Notebook 03, architecture: activations' figures, diagnostics (gradient flow), trainability (depth
sweeps), standardization, batchnorm, resnet and residual (skip connections), capacity (width and
data size).
"""
