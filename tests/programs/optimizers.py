"""Optimizer classes as written in from-scratch training loops: Adam, AdamW and RMSprop each hold per-parameter
state lists built with np.zeros_like, a step counter `self.t += 1` on the object, and update a list of
parameters in place; gradients are clipped by global norm first."""
import math

import numpy as np


def clip_grad_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if total > max_norm:
        for g in grads:
            g *= max_norm / (total + 1e-6)
    return total


class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay and not self.decoupled:
                g = g + self.weight_decay * p
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g ** 2
            m_hat = self.m[i] / (1 - self.beta1 ** self.t)
            v_hat = self.v[i] / (1 - self.beta2 ** self.t)
            if self.decoupled:
                p -= self.lr * self.weight_decay * p
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class RMSprop:
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8):
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.sq = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for p, g, s in zip(self.params, grads, self.sq):
            s *= self.alpha
            s += (1 - self.alpha) * np.square(g)
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Trainer:
    def __init__(self, params, rng):
        self.adam = Adam(params[:2], lr=1e-2)
        self.adamw = Adam(params[2:3], lr=1e-2, weight_decay=0.01, decoupled=True)
        self.rms = RMSprop(params[3:])

    def step(self, grads):
        norm = clip_grad_norm(grads, 5.0)
        self.adam.step(grads[:2])
        self.adamw.step(grads[2:3])
        self.rms.step(grads[3:])
        return norm


def init(n, dtype, rng):
    shapes = [(n, 6), (6,), (6, 3), (3, n)]
    params = [rng.standard_normal(s).astype(dtype) for s in shapes]
    trainer = Trainer(params, rng)
    grads = [(rng.standard_normal(s) * 2).astype(dtype) for s in shapes]
    return trainer.step, (grads,)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
