"""Nussinov RNA folding (PolyBench nussinov, NumPy port): a dynamic-programming table filled backwards with
scalar max-updates, a pairing test on integer bases, and a vectorized split maximum over a row and a column."""
import numpy as np


def match(b1, b2):
    return 1 if b1 + b2 == 3 else 0


def kernel(N, seq, table):
    for i in range(N - 1, -1, -1):
        for j in range(i + 1, N):
            if j - 1 >= 0:
                table[i, j] = max(table[i, j], table[i, j - 1])
            if i + 1 < N:
                table[i, j] = max(table[i, j], table[i + 1, j])
            if j - 1 >= 0 and i + 1 < N:
                if i < j - 1:
                    table[i, j] = max(table[i, j], table[i + 1, j - 1] + match(seq[i], seq[j]))
                else:
                    table[i, j] = max(table[i, j], table[i + 1, j - 1])
            if i + 1 < j:
                table[i, j] = max(table[i, j], np.max(table[i, i + 1:j] + table[i + 2:j + 1, j]))


def init(n, dtype, rng):
    seq = rng.integers(0, 4, n).astype(np.int32)
    table = rng.random((n, n)).astype(dtype)
    return kernel, (n, seq, table)
