"""Notebook 01, the multilayer perceptron: approximation (hinges, universal approximation, existence vs
learnability), generalization (memorising random labels, scrambled pixels), and their figures;
snapshots: a decision boundary forming epoch by epoch.
"""
