"""Sample code for tests/test_script.py: scriptable functions and models, and code outside the subset.

Error samples mark the offending line with `# ERR:<name>`; the tests look the line number up, so this file can
be edited freely.
"""
import math

import numpy as np
from numpy import tanh

import jitc
from jitc import nn
from jitc.nn import functional as F
from tests.models import MyCell, MyDecisionGate  # noqa: F401  (used by tests through this module)

SCALE = 3
OFFSETS = (1.0, -2.0)


# ---- the TorchScript tutorial, in NumPy (the gate and the cell are shared with the other tests)
class MyRNNLoop(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def forward(self, xs):
        h, y = np.zeros((3, 4), dtype=np.float32), np.zeros((3, 4), dtype=np.float32)
        for i in range(xs.shape[0]):
            y, h = self.cell(xs[i], h)
        return y, h


class WrapRNN(nn.Module):
    def __init__(self, loop):
        super().__init__()
        self.loop = loop

    def forward(self, xs):
        y, _ = self.loop(xs)
        return np.maximum(y, 0)


# ---- control flow
def classify(x, t: float):
    s = x.sum()
    if s > t:
        if s > 2 * t:
            y = x * 3
        else:
            y = x * 2
    elif s < -t:
        y = -x
    elif s == 0:
        y = x + 1
    else:
        y = x
    return y


def running_stats(xs):
    acc = (np.zeros_like(xs[0]), np.zeros_like(xs[0]))
    for i in range(xs.shape[0]):
        s, m = acc
        acc = (s + xs[i], np.maximum(m, xs[i]))
    return acc


def early_return(x):
    if x.sum() > 0:
        return x * 2
    y = x - 1
    return y


def first_positive_row(xs):
    for i in range(xs.shape[0]):
        if xs[i].sum() > 0:
            return xs[i]
    z = np.zeros_like(xs[0])
    return z - 1.0


def nested_loop_return(xs, limit: float):
    total = xs[0] * 0
    for i in range(xs.shape[0]):
        for j in range(xs.shape[1]):
            total = total + xs[i, j]
            if total.sum() > limit:
                return total, i * 100 + j
    return total, -1


def sum_until(xs, limit: float):
    total = np.zeros_like(xs[0])
    for i in range(xs.shape[0]):
        if xs[i].sum() < 0:
            continue
        total = total + xs[i]
        if total.sum() > limit:
            break
    return total


def halve_until(x, limit: float):
    n = 0
    while np.abs(x).max() > limit:
        x = x / 2
        n += 1
    return x, n


def triangle(n: int):
    i = 0
    total = 0
    while True:
        if i >= n:
            break
        i += 1
        if i % 3 == 0:
            continue
        total += i
    return total


def search(x, target: float):
    k = 0
    while True:
        if k * 0.5 >= target:
            return x * k
        k += 1


def ranges(x, n: int):
    a = x * 0
    for i in range(n):
        a = a + i
    for i in range(2, n):
        a = a + i * 10
    for i in range(n, 0, -2):
        a = a + i * 100
    for i in range(1, 7, 3):
        a = a + i * 1000
    return a


def rows(xs):
    out = xs[0] * 0
    for row in xs:
        out = out + row * row
    return out


def unrolled(x):
    for k in OFFSETS:
        x = x + k
    for k in (1, 2, 3):
        if x.sum() > 100:
            return x
        x = x * k
    return x


# ---- scalars, calls, attributes
def scalars(x, alpha: float, n: int, flag: bool):
    m = max(n, 2) + min(n, 1)
    s = float(n) / 2 + alpha
    if flag and n > 1:
        s = s * 2
    if not flag or n == 0:
        s = s - 1
    c = x * s * SCALE if m > 2 else x
    return c, int(s), bool(n), abs(-n), len((1, 2, 3))


def shapes_and_indexing(x):
    n = x.shape[0]
    rows_, cols = x.shape
    a = x[1:3, ::2]
    b = x[n - 1]
    c = x[:, None, 0]
    d = x[1:, ...]
    return a, b, c, d, n + cols + len(x) + x.ndim + rows_


def methods(x):
    y = x.sum(axis=1, keepdims=True) + x.mean() + x.max(axis=0)
    z = x.T.reshape(-1) + x.transpose().reshape(x.shape[0] * x.shape[1])
    return y.astype(np.float64), z.clip(-1.0, 1.0), np.transpose(x, (1, 0)).min()


def helper(x, k: float = 2.0):
    return x * k


@jitc.script
def scripted_helper(x):
    return tanh(x)


def uses_helpers(x):
    return helper(x) + scripted_helper(x) + helper(x, 3.0) + F.relu(x) + F.sigmoid(x)


traced_helper = None  # the tests put a traced ScriptFunction here


def uses_traced(x: np.ndarray):
    zeros = np.zeros(x.shape, dtype=np.float32)
    return traced_helper(x) * 2 + zeros + np.ones((x.shape[0], 1), dtype=np.float32)


def activations(x):
    return F.softmax(x, axis=1), F.gelu(x), F.log_softmax(x)


def expressions(x, a: float, b: float):
    scale = a * 2.0 if a < b else b - 1.0
    inside = a < 0.5 < b
    y = np.where(x > a, x, b)
    return y * scale if inside else y, (a > 0) or (b > 0), math.pi


class Block(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.fc = nn.Linear(width, width)
        self.scale = 0.5
        self.repeats = 2

    def step(self, x):
        return np.tanh(self.fc(x)) * self.scale

    def forward(self, x):
        for _ in range(self.repeats):
            x = x + self.step(x)
        return x


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(Block(4), nn.ReLU(), Block(4))
        self.head = nn.Linear(4, 2, bias=False)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head(x) if self.head.bias is None else x


# ---- errors: outside the subset
def err_with(x):
    with open("f") as f:  # ERR:with
        x = x + len(f.read())
    return x


def err_try(x):
    try:  # ERR:try
        x = x + 1
    except ValueError:
        pass
    return x


def err_lambda(x):
    f = lambda v: v + 1  # ERR:lambda
    return f(x)


def err_listcomp(x):
    return [x * i for i in range(3)]  # ERR:listcomp


def err_dictcomp(x):
    return {i: x for i in range(3)}  # ERR:dictcomp


def err_genexp(x):
    return sum(x * i for i in range(3))  # ERR:genexp


def err_global(x):
    global SCALE  # ERR:global  # noqa: PLW0602
    return x * SCALE


def make_nonlocal():
    count = 0

    def err_nonlocal(x):
        nonlocal count  # ERR:nonlocal
        count += 1
        return x

    return err_nonlocal


def err_yield(x):
    yield x  # ERR:yield


def err_varargs(x, *rest):  # ERR:varargs
    return x


def err_kwargs(x, **options):  # ERR:kwargs
    return x


def err_del(x):
    y = x + 1
    del y  # ERR:del
    return x


def err_class(x):
    class Local:  # ERR:class
        pass
    return x


def err_import(x):
    import os  # ERR:import
    return x + len(os.sep)


def err_fft(x):
    return np.fft.fft(x)  # ERR:fft


def err_eig(x):
    return np.linalg.eig(x)  # ERR:eig


def err_unknown(x):
    return x + undefined_thing  # ERR:unknown  # noqa: F821


def err_keyword(x):
    return x.max(initial=0.0)  # ERR:keyword


def err_assert(x):
    assert x.sum() > 0  # ERR:assert
    return x


def err_int_float(x, n: int):
    if n > 0:  # ERR:int_float
        y = 1
    else:
        y = 2.5
    return x * y


def err_one_branch(x):
    if x.sum() > 0:
        y = x * 2
    return y  # ERR:one_branch


def err_loop_type(x, n: int):
    k = 0
    for i in range(n):  # ERR:loop_type
        k = k + 0.5
    return x * k


def err_loop_local(x, n: int):
    for i in range(n):
        z = x * i
    return z  # ERR:loop_local


def err_subscript_assign(x):
    x.reshape(-1)[0] = 1  # ERR:subscript_assign
    return x


def err_break_unrolled(x):
    for k in (1, 2):
        if x.sum() > 0:
            break  # ERR:break_unrolled
        x = x * k
    return x


def err_missing_return(x, n: int):  # ERR:missing_return
    for i in range(n):
        if i > 2:
            return x
