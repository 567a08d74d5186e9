"""Utilities under PyTorch's names: `deepling.utils.data` (Dataset, DataLoader, ...)."""

from . import data as data
