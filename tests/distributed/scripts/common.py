"""Data and models the multi-rank scripts share: small, seeded, the same on every rank."""

import numpy as np


def classification(n=256, features=20, classes=3, seed=7):
    """A learnable n-sample problem: labels from a fixed random linear map, float32 inputs."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    y = (x @ rng.normal(size=(features, classes))).argmax(axis=1).astype(np.int64)
    return x, y


def flat(params) -> np.ndarray:
    return np.concatenate([np.asarray(p.detach().numpy()).ravel() for p in params])
