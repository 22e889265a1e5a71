"""Notebook 05, fine-tuning: transfer (probe, fine-tuning, LP-FT, LoRA on digits), lora (the LoRA
layer), transfer_plots.
"""
