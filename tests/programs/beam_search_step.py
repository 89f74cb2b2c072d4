"""One step of beam search over log-probabilities: scores broadcast over the vocabulary, flattened, the best
beam*vocab candidates taken with np.argsort, beam and token recovered by // and %, sequences gathered by
fancy indexing and extended with np.concatenate / np.hstack; finished beams are frozen with an eos mask."""
import numpy as np


def log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def beam_step(logits, beam_scores, sequences, finished, eos_id=0):
    beam_size, vocab = logits.shape
    log_probs = log_softmax(logits)
    # a finished beam can only extend with eos at no cost
    frozen = np.full(vocab, -np.inf, dtype=log_probs.dtype)
    frozen[eos_id] = 0.0
    log_probs = np.where(finished[:, None], frozen[None, :], log_probs)
    cand = beam_scores[:, None] + log_probs
    flat = cand.reshape(-1)
    best = np.argsort(-flat, kind="stable")[:beam_size]
    beam_idx = best // vocab
    token_idx = best % vocab
    new_scores = flat[best]
    new_sequences = np.hstack([sequences[beam_idx], token_idx[:, None]])
    new_finished = finished[beam_idx] | (token_idx == eos_id)
    return new_scores, new_sequences, new_finished


def init(n, dtype, rng):
    beam = 4
    logits = rng.standard_normal((beam, n + 2)).astype(dtype)
    scores = -np.sort(rng.random(beam)).astype(dtype)
    seqs = rng.integers(1, n + 2, (beam, 3))
    finished = np.array([False, True, False, False])
    return beam_step, (logits, scores, seqs, finished)
