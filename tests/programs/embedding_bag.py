"""A bag-of-words text classifier: embedding rows gathered by token id, a padding mask, masked mean pooling,
a linear layer and softmax cross-entropy; backward scatters the embedding gradient with np.add.at."""
import numpy as np


class EmbeddingBagClassifier:
    def __init__(self, E, W, b, pad_id=0):
        self.E = E
        self.W = W
        self.b = b
        self.pad_id = pad_id

    def train_step(self, tokens, labels, lr):
        B, _T = tokens.shape
        emb = self.E[tokens]                                     # (B, T, D)
        mask = (tokens != self.pad_id).astype(emb.dtype)[:, :, None]
        counts = np.maximum(mask.sum(axis=1), 1.0)               # (B, 1)
        pooled = (emb * mask).sum(axis=1) / counts
        logits = pooled @ self.W + self.b
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(B), labels]).mean()

        dlogits = probs.copy()
        dlogits[np.arange(B), labels] -= 1
        dlogits /= B
        dW = pooled.T @ dlogits
        db = dlogits.sum(axis=0)
        dpooled = dlogits @ self.W.T
        demb = (dpooled / counts)[:, None, :] * mask
        dE = np.zeros_like(self.E)
        np.add.at(dE, tokens, demb)
        self.W -= lr * dW
        self.b -= lr * db
        self.E -= lr * dE
        return loss


def init(n, dtype, rng):
    V, D, K = 20, 8, 3
    model = EmbeddingBagClassifier(rng.standard_normal((V, D)).astype(dtype),
                                   (rng.standard_normal((D, K)) / np.sqrt(D)).astype(dtype),
                                   np.zeros(K, dtype))
    tokens = rng.integers(0, V, (5, n))
    tokens[:, n // 2:] *= rng.random((5, n - n // 2)) < 0.5      # some trailing padding (id 0)
    return model.train_step, (tokens, rng.integers(0, K, 5), 0.5)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
