"""Karpathy's min-char-rnn, one training step: forward and backward through time over a chunk of character ids
(dicts keyed by t, one-hot columns, `dy[targets[t]] -= 1`), gradients clipped in place with np.clip(out=),
then the Adagrad update of every parameter through zip."""
import numpy as np


class CharRNN:
    def __init__(self, vocab_size, hidden_size, rng, dtype, learning_rate=1e-1):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.learning_rate = learning_rate
        self.Wxh = (rng.standard_normal((hidden_size, vocab_size)) * 0.01).astype(dtype)
        self.Whh = (rng.standard_normal((hidden_size, hidden_size)) * 0.01).astype(dtype)
        self.Why = (rng.standard_normal((vocab_size, hidden_size)) * 0.01).astype(dtype)
        self.bh = np.zeros((hidden_size, 1), dtype=dtype)
        self.by = np.zeros((vocab_size, 1), dtype=dtype)
        self.mWxh, self.mWhh, self.mWhy = np.zeros_like(self.Wxh), np.zeros_like(self.Whh), np.zeros_like(self.Why)
        self.mbh, self.mby = np.zeros_like(self.bh), np.zeros_like(self.by)

    def lossFun(self, inputs, targets, hprev):
        xs, hs, ys, ps = {}, {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0
        # forward pass
        for t in range(len(inputs)):
            xs[t] = np.zeros((self.vocab_size, 1), dtype=hprev.dtype)  # encode in 1-of-k representation
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(self.Wxh, xs[t]) + np.dot(self.Whh, hs[t - 1]) + self.bh)
            ys[t] = np.dot(self.Why, hs[t]) + self.by
            ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
            loss += -np.log(ps[t][targets[t], 0])
        # backward pass: compute gradients going backwards
        dWxh, dWhh, dWhy = np.zeros_like(self.Wxh), np.zeros_like(self.Whh), np.zeros_like(self.Why)
        dbh, dby = np.zeros_like(self.bh), np.zeros_like(self.by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += np.dot(dy, hs[t].T)
            dby += dy
            dh = np.dot(self.Why.T, dy) + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += np.dot(dhraw, xs[t].T)
            dWhh += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(self.Whh.T, dhraw)
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -5, 5, out=dparam)  # mitigate exploding gradients
        return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]

    def step(self, inputs, targets, hprev):
        loss, dWxh, dWhh, dWhy, dbh, dby, hprev = self.lossFun(inputs, targets, hprev)
        for param, dparam, mem in zip([self.Wxh, self.Whh, self.Why, self.bh, self.by],
                                      [dWxh, dWhh, dWhy, dbh, dby],
                                      [self.mWxh, self.mWhh, self.mWhy, self.mbh, self.mby]):
            mem += dparam * dparam
            param += -self.learning_rate * dparam / np.sqrt(mem + 1e-8)  # adagrad update
        return loss, hprev


def init(n, dtype, rng):
    vocab_size, seq_length = 11, 6
    model = CharRNN(vocab_size, n, rng, dtype)
    data = [int(c) for c in rng.integers(0, vocab_size, seq_length + 1)]
    inputs, targets = data[:seq_length], data[1:seq_length + 1]
    hprev = (rng.standard_normal((n, 1)) * 0.1).astype(dtype)
    return model.step, (inputs, targets, hprev)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
