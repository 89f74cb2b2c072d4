"""k-means fit loop without boolean indexing: distances from the expanded square, labels by argmin,
assignments one-hot via np.eye(k)[labels], centroids as (onehot.T @ X) / counts with empty clusters kept;
the inertia of every iteration is returned."""
import numpy as np


def kmeans(X, centroids, n_iter=5):
    k = centroids.shape[0]
    inertia = np.zeros(n_iter, dtype=X.dtype)
    for it in range(n_iter):
        dists = (np.sum(X ** 2, axis=1)[:, np.newaxis] - 2 * np.dot(X, centroids.T)
                 + np.sum(centroids ** 2, axis=1))
        labels = np.argmin(dists, axis=1)
        inertia[it] = np.sum(np.min(dists, axis=1))
        onehot = np.eye(k, dtype=X.dtype)[labels]
        counts = onehot.sum(axis=0)
        sums = onehot.T @ X
        nonempty = counts > 0
        centroids = np.where(nonempty[:, None], sums / np.maximum(counts, 1)[:, None], centroids)
    return centroids, labels, inertia


def init(n, dtype, rng):
    blobs = rng.standard_normal((3, 2)) * 4
    X = (blobs[rng.integers(0, 3, n * 2)] + rng.standard_normal((n * 2, 2))).astype(dtype)
    return kmeans, (X, X[rng.choice(n * 2, 4, replace=False)].copy())


TOL = {"float32": (1e-3, 1e-3), "float64": (1e-9, 1e-10)}
