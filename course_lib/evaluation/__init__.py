"""Notebook 02, evaluating a classifier: imbalance (prevalence), operating_point (cost ratios),
threshold_explorer, metric_choice, metric_plots (ROC, PR, confusion matrix).
"""
