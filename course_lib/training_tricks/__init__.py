"""Notebook 04, training tricks: learning_rate, lr_finder, schedules and warmup, batch_size,
accumulation, explosion (initialisation), clipping and cliff (an RNN's loss cliff), weight_decay,
hyperparameters.
"""
