"""Authoring models: Module, Linear, Sequential and functional, in the style of torch.nn."""
from . import functional
from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh, manual_seed
from .module import Module

__all__ = ["Linear", "Module", "ReLU", "Sequential", "Sigmoid", "Tanh", "functional", "manual_seed"]
