"""A constant-velocity Kalman filter as a plain class holding its state: predict/update over a batch of
measurements, the gain through np.linalg.inv, state and covariance updated in place (`self.x += ...`,
`self.P[:] = ...`), the filtered positions returned."""
import numpy as np


class KalmanFilter:
    def __init__(self, dt, q, r, dtype):
        self.F = np.array([[1.0, dt, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, dt], [0.0, 0.0, 0.0, 1.0]],
                          dtype=dtype)
        self.H = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], dtype=dtype)
        self.Q = (q * np.eye(4)).astype(dtype)
        self.R = (r * np.eye(2)).astype(dtype)
        self.x = np.zeros(4, dtype=dtype)
        self.P = np.eye(4, dtype=dtype)

    def predict(self):
        self.x[:] = self.F @ self.x
        self.P[:] = self.F @ self.P @ self.F.T + self.Q

    def update(self, z):
        y = z - self.H @ self.x
        S = self.H @ self.P @ self.H.T + self.R
        K = self.P @ self.H.T @ np.linalg.inv(S)
        self.x += K @ y
        self.P[:] = (np.eye(self.P.shape[0], dtype=self.P.dtype) - K @ self.H) @ self.P
        return y

    def __call__(self, zs):
        out = np.empty((zs.shape[0], 2), dtype=zs.dtype)
        innovation = 0.0
        for k in range(zs.shape[0]):
            self.predict()
            y = self.update(zs[k])
            innovation += float(y @ y)
            out[k] = self.x[::2]
        return out, innovation


def init(n, dtype, rng):
    t = np.arange(n, dtype=np.float64) * 0.1
    truth = np.stack([np.cos(t), np.sin(t)], axis=1)
    zs = (truth + 0.05 * rng.standard_normal((n, 2))).astype(dtype)
    return KalmanFilter(0.1, 1e-3, 0.05 ** 2, dtype), (zs,)


TOL = {"float32": (2e-3, 2e-4), "float64": (1e-9, 1e-10)}
