"""Logistic regression as a scikit-learn-like class: fit() runs batch gradient descent with L2 on the weights
(not the bias), a bias column added with np.hstack, the loss history kept in a Python list; predict_proba and
predict with a 0.5 threshold; returns the training accuracy."""
import numpy as np


class LogisticRegression:
    def __init__(self, n_features, dtype, lr=0.1, n_iters=25, l2=0.01):
        self.lr = lr
        self.n_iters = n_iters
        self.l2 = l2
        self.theta = np.zeros(n_features + 1, dtype=dtype)

    @staticmethod
    def _sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def _add_intercept(self, X):
        intercept = np.ones((X.shape[0], 1), dtype=X.dtype)
        return np.hstack((intercept, X))

    def predict_proba(self, X):
        return self._sigmoid(np.dot(self._add_intercept(X), self.theta))

    def predict(self, X, threshold=0.5):
        return (self.predict_proba(X) >= threshold).astype(int)

    def fit_score(self, X, y):
        Xb = self._add_intercept(X)
        m = y.size
        history = []
        for i in range(self.n_iters):
            h = self._sigmoid(np.dot(Xb, self.theta))
            gradient = np.dot(Xb.T, (h - y)) / m
            reg = self.l2 * self.theta / m
            reg[0] = 0
            self.theta -= self.lr * (gradient + reg)
            loss = (-y * np.log(h) - (1 - y) * np.log(1 - h)).mean() + self.l2 / (2 * m) * np.sum(self.theta[1:] ** 2)
            history.append(loss)
        return np.array(history), (self.predict(X) == y).mean()


def init(n, dtype, rng):
    X = rng.standard_normal((n + 5, 4)).astype(dtype)
    true_w = np.array([1.5, -2.0, 0.5, 1.0])
    y = (X @ true_w + 0.5 * rng.standard_normal(n + 5) > 0).astype(dtype)
    return LogisticRegression(4, dtype).fit_score, (X, y)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
