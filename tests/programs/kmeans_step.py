"""One Lloyd iteration of k-means: squared distances by broadcasting, argmin labels, per-cluster means."""
import numpy as np


def kmeans_step(X, centers):
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    labels = np.argmin(d2, axis=1)
    new_centers = np.empty_like(centers)
    for k in range(centers.shape[0]):
        members = X[labels == k]
        if len(members) > 0:
            new_centers[k] = members.mean(axis=0)
        else:
            new_centers[k] = centers[k]
    return new_centers, labels


def init(n, dtype, rng):
    X = rng.standard_normal((n + 10, 2)).astype(dtype)
    return kmeans_step, (X, X[:3].copy())


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
