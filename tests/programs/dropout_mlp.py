"""Inverted dropout in a hand-written MLP layer stack: a list of Layer objects with forward/backward caching
their inputs on self, the dropout mask passed in (pre-drawn uniforms), ReLU via np.maximum and `dx[x <= 0] = 0`,
mean-squared-error loss, backward through the list in reverse, SGD updates `W -= lr * dW`."""
import numpy as np


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.dW = np.zeros_like(W)
        self.db = np.zeros_like(b)

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0, keepdims=True)
        return np.dot(dout, self.W.T)


class ReLU:
    def __init__(self):
        self.x = None

    def forward(self, x):
        self.x = x
        return np.maximum(0, x)

    def backward(self, dout):
        dx = dout.copy()
        dx[self.x <= 0] = 0
        return dx


class Dropout:
    def __init__(self, p):
        self.p = p
        self.mask = None

    def forward(self, x, u):
        self.mask = (u < self.p) / self.p
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class Net:
    def __init__(self, W1, b1, W2, b2, p=0.8):
        self.fc1 = Linear(W1, b1)
        self.relu = ReLU()
        self.drop = Dropout(p)
        self.fc2 = Linear(W2, b2)

    def train_step(self, x, target, u, lr=0.05):
        h = self.drop.forward(self.relu.forward(self.fc1.forward(x)), u)
        y = self.fc2.forward(h)
        diff = y - target
        loss = np.mean(diff ** 2)
        dout = 2 * diff / diff.size
        dout = self.fc2.backward(dout)
        dout = self.drop.backward(dout)
        dout = self.relu.backward(dout)
        self.fc1.backward(dout)
        for layer in [self.fc1, self.fc2]:
            layer.W -= lr * layer.dW
            layer.b -= lr * layer.db
        return loss


def init(n, dtype, rng):
    H = 12
    net = Net((rng.standard_normal((n, H)) / np.sqrt(n)).astype(dtype), np.zeros((1, H), dtype),
              (rng.standard_normal((H, 3)) / np.sqrt(H)).astype(dtype), np.zeros((1, 3), dtype))
    x = rng.standard_normal((9, n)).astype(dtype)
    target = rng.standard_normal((9, 3)).astype(dtype)
    u = rng.random((9, H)).astype(dtype)
    return net.train_step, (x, target, u)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
