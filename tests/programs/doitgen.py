"""doitgen (PolyBench): multiresolution kernel, A[r, q, :] := A[r, q, :] @ C4, slab by slab."""


def kernel(NR, NQ, NP, A, C4):
    for r in range(NR):
        for q in range(NQ):
            A[r, q, :] = A[r, q, :] @ C4


def init(n, dtype, rng):
    nr, nq, np_ = 3, max(2, n // 4), n
    return kernel, (nr, nq, np_, rng.random((nr, nq, np_)).astype(dtype), rng.random((np_, np_)).astype(dtype))
