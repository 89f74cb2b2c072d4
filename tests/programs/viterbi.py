"""The Viterbi recursion of a hidden Markov model in log space: max-plus products by broadcasting, argmax back
pointers written per step, emissions picked by the observed symbol (a run-time column index), then backtracking."""
import numpy as np


def viterbi(log_start, log_trans, log_emit, obs):
    T, S = obs.shape[0], log_start.shape[0]
    back = np.zeros((T, S), dtype=np.int64)
    score = log_start + log_emit[:, obs[0]]
    for t in range(1, T):
        cand = score[:, None] + log_trans
        back[t] = np.argmax(cand, axis=0)
        score = np.max(cand, axis=0) + log_emit[:, obs[t]]
    path = np.zeros(T, dtype=np.int64)
    path[T - 1] = np.argmax(score)
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return score.max(), path


def init(n, dtype, rng):
    S, V = 4, 6
    def logp(*shape):
        p = rng.random(shape) + 0.1
        return np.log(p / p.sum(axis=-1, keepdims=True)).astype(dtype)
    return viterbi, (logp(S), logp(S, S), logp(S, V), rng.integers(0, V, n))
