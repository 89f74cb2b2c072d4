"""A scripted model applied to a Dask array of batches, on a local multi-process cluster.

    python examples/dask/batches.py

`jitc.script` compiles the classifier from its source; Dask pickles the ScriptModule (its graphs and weights,
in the terms of jitc's saved-file format) to the worker processes, which compile it natively on their first
batch. The class itself never has to be importable on the workers.
"""
from __future__ import annotations

import logging

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import jitc
from jitc import nn
from jitc.nn import functional as F


class Classifier(nn.Module):
    def __init__(self, features: int = 64, hidden: int = 128, classes: int = 10):
        super().__init__()
        self.hidden = nn.Linear(features, hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x):
        h = self.hidden(x)
        h = 0.5 * h * (1.0 + np.tanh(0.7978846 * (h + 0.044715 * h * h * h)))  # GELU
        return F.softmax(self.out(h), axis=-1)


def report(batch, model):
    """Runs on a worker: the model's result and what it compiled there."""
    return model(batch), model.cache_info()


def main() -> None:
    model = Classifier()
    scripted = jitc.script(model)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        batches = da.random.default_rng(0).standard_normal((200_000, 64), chunks=(20_000, 64), dtype=np.float32)
        probabilities = batches.map_blocks(scripted, dtype=np.float32, chunks=(20_000, 10))
        counts = np.bincount(probabilities.argmax(axis=1).compute(), minlength=10)
        print("predicted classes over 200,000 samples:", counts.tolist())

        first = batches.blocks[0].compute()
        got, info = client.submit(report, first, scripted).result()
        np.testing.assert_allclose(got, model(first), rtol=1e-5, atol=1e-6)  # eager NumPy on the original
        print("a worker compiled:", [(entry["signature"], entry["compiled"]) for entry in info])


if __name__ == "__main__":
    main()
