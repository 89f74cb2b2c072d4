"""Elementary cellular automaton (Wolfram's rule 30/110) with integer bit tricks: neighbours by np.roll, the
neighbourhood code by shifts and ors, the rule's bit by `>>` and `&`, the history as an int8 array; plus a
float density per step, so the dtype of the program's float outputs follows the input's."""
import numpy as np


def run_ca(cells, weights, steps, rule=110):
    history = np.zeros((steps + 1, cells.shape[0]), dtype=np.int8)
    history[0] = cells
    state = cells.astype(np.int64)
    density = np.zeros(steps + 1, dtype=weights.dtype)
    density[0] = np.dot(weights, state) / cells.shape[0]
    for t in range(1, steps + 1):
        left, right = np.roll(state, 1), np.roll(state, -1)
        code = (left << 2) | (state << 1) | right
        state = (rule >> code) & 1
        history[t] = state
        density[t] = np.dot(weights, state) / cells.shape[0]
    return history, density


def init(n, dtype, rng):
    cells = (rng.random(n * 2) > 0.5).astype(np.int8)
    weights = rng.random(n * 2).astype(dtype)
    return run_ca, (cells, weights, 12)
