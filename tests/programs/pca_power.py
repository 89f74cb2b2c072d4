"""PCA as a plain Python class (fit/transform, scikit-learn style attributes): centring, covariance by
np.dot, leading components by power iteration with deflation and a convergence test, explained variance."""
import numpy as np


class PCA:
    def __init__(self, n_components=2, n_iter=100, tol=1e-7):
        self.n_components = n_components
        self.n_iter = n_iter
        self.tol = tol

    def _power(self, C, v):
        for _ in range(self.n_iter):
            w = np.dot(C, v)
            w /= np.linalg.norm(w)
            if np.abs(np.dot(w, v)) > 1.0 - self.tol:
                return w
            v = w
        return v

    def fit(self, X):
        n_samples, n_features = X.shape
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        C = np.dot(Xc.T, Xc) / (n_samples - 1)
        comps = []
        variances = []
        for i in range(self.n_components):
            v = self._power(C, np.ones(n_features, dtype=X.dtype) / np.sqrt(n_features))
            lam = v @ C @ v
            C = C - lam * np.outer(v, v)
            comps.append(v)
            variances.append(lam)
        self.components_ = np.vstack(comps)
        self.explained_variance_ = np.array(variances)
        return self

    def transform(self, X):
        return np.dot(X - self.mean_, self.components_.T)

    def fit_transform(self, X):
        return self.fit(X).transform(X)


def init(n, dtype, rng):
    scales = np.array([5.0, 2.0, 1.0, 0.5, 0.2])
    X = (rng.standard_normal((n + 20, 5)) * scales).astype(dtype)
    return PCA(n_components=2).fit_transform, (X,)


TOL = {"float32": (5e-3, 5e-3), "float64": (1e-6, 1e-7)}
