"""One Adam update: parameter and both moment buffers updated in place, bias correction from the step count."""
import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)


def init(n, dtype, rng):
    shape = (n, 3)
    return adam_step, (rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype),
                       rng.standard_normal(shape).astype(dtype) * 0.1, rng.random(shape).astype(dtype) * 0.1, 7)
