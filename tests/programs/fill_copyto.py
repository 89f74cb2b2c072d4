"""Buffer management of a ring of snapshots: x.fill, np.copyto, and a slot chosen by a Python int."""
import numpy as np


def record(history, state, step, decay=0.5):
    slot = step % history.shape[0]
    history[slot].fill(0)
    np.copyto(history[slot], state)
    state *= decay
    return history.sum(axis=0)


def init(n, dtype, rng):
    return record, (rng.random((4, n)).astype(dtype), rng.random(n).astype(dtype), int(rng.integers(0, 10)))
