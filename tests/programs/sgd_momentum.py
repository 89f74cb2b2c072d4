"""SGD with momentum and weight decay over a list of parameters and their velocity buffers."""


def sgd_step(params, grads, velocities, lr, momentum=0.9, weight_decay=1e-4):
    for p, g, vel in zip(params, grads, velocities):
        d = g + weight_decay * p
        vel[:] = momentum * vel + d
        p -= lr * vel


def init(n, dtype, rng):
    shapes = [(n, 4), (4,), (4, 2)]
    params = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
    vels = [rng.standard_normal(s).astype(dtype) for s in shapes]
    return sgd_step, (params, grads, vels, float(rng.uniform(0.005, 0.02)))
