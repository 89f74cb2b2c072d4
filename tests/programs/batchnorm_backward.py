"""cs231n-style batch normalization in train mode: batchnorm_forward returns (out, cache) and writes the running
statistics in place with `running_mean[:] = ...`; batchnorm_backward is the staged chain rule through the cache
tuple; a small class holds gamma/beta and takes one SGD step on them."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps, running_mean, running_var, momentum):
    sample_mean = np.mean(x, axis=0)
    sample_var = np.var(x, axis=0)
    x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
    out = gamma * x_hat + beta
    running_mean[:] = momentum * running_mean + (1 - momentum) * sample_mean
    running_var[:] = momentum * running_var + (1 - momentum) * sample_var
    cache = (x, x_hat, sample_mean, sample_var, gamma, eps)
    return out, cache


def batchnorm_backward(dout, cache):
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    std_inv = 1.0 / np.sqrt(var + eps)
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * std_inv**3
    dmu = np.sum(-dx_hat * std_inv, axis=0) + dvar * np.mean(-2.0 * (x - mu), axis=0)
    dx = dx_hat * std_inv + dvar * 2 * (x - mu) / N + dmu / N
    return dx, dgamma, dbeta


class BatchNorm:
    def __init__(self, D, dtype, momentum=0.9, eps=1e-5):
        self.gamma = np.ones(D, dtype=dtype)
        self.beta = np.zeros(D, dtype=dtype)
        self.running_mean = np.zeros(D, dtype=dtype)
        self.running_var = np.zeros(D, dtype=dtype)
        self.momentum = momentum
        self.eps = eps

    def forward_backward(self, x, dout, lr):
        out, cache = batchnorm_forward(x, self.gamma, self.beta, self.eps, self.running_mean, self.running_var,
                                       self.momentum)
        dx, dgamma, dbeta = batchnorm_backward(dout, cache)
        self.gamma -= lr * dgamma
        self.beta -= lr * dbeta
        return out, dx


def init(n, dtype, rng):
    bn = BatchNorm(6, dtype)
    bn.gamma += (0.1 * rng.standard_normal(6)).astype(dtype)
    bn.running_var += 1
    x = (3 * rng.standard_normal((n, 6)) + 1).astype(dtype)
    dout = rng.standard_normal((n, 6)).astype(dtype)
    return bn.forward_backward, (x, dout, 0.01)


TOL = {"float32": (2e-3, 2e-4), "float64": (1e-8, 1e-10)}
