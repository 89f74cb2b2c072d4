"""The cs231n TwoLayerNet: weights in a `self.params` dict, loss() returns (loss, grads) with a softmax loss,
L2 regularization and hand-written backprop; train_step applies vanilla SGD to every entry of the dict."""
import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, rng, dtype, std=1e-1):
        self.params = {}
        self.params['W1'] = (std * rng.standard_normal((input_size, hidden_size))).astype(dtype)
        self.params['b1'] = np.zeros(hidden_size, dtype=dtype)
        self.params['W2'] = (std * rng.standard_normal((hidden_size, output_size))).astype(dtype)
        self.params['b2'] = np.zeros(output_size, dtype=dtype)

    def loss(self, X, y=None, reg=0.0):
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N, _D = X.shape

        h1 = np.maximum(0, np.dot(X, W1) + b1)
        scores = np.dot(h1, W2) + b2
        if y is None:
            return scores

        scores -= np.max(scores, axis=1, keepdims=True)
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        correct_logprobs = -np.log(probs[range(N), y])
        data_loss = np.sum(correct_logprobs) / N
        reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)
        loss = data_loss + reg_loss

        grads = {}
        dscores = probs
        dscores[range(N), y] -= 1
        dscores /= N
        grads['W2'] = np.dot(h1.T, dscores) + reg * W2
        grads['b2'] = np.sum(dscores, axis=0)
        dhidden = np.dot(dscores, W2.T)
        dhidden[h1 <= 0] = 0
        grads['W1'] = np.dot(X.T, dhidden) + reg * W1
        grads['b1'] = np.sum(dhidden, axis=0)
        return loss, grads

    def train_step(self, X, y, learning_rate=1e-1, reg=5e-6):
        loss, grads = self.loss(X, y=y, reg=reg)
        for param_name in self.params:
            self.params[param_name] -= learning_rate * grads[param_name]
        y_pred = np.argmax(self.loss(X), axis=1)
        return loss, np.mean(y_pred == y)


def init(n, dtype, rng):
    net = TwoLayerNet(n, 10, 4, rng, dtype)
    X = rng.standard_normal((7, n)).astype(dtype)
    y = rng.integers(0, 4, 7)
    return net.train_step, (X, y)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
