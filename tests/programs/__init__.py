"""A corpus of NumPy programs written the way third-party code is (PolyBench-style kernels, stencils, solves,
physics and deep-learning steps), each with an `init(n, dtype, rng) -> (callable, args)` that builds its inputs.
tests/programs/test_corpus.py compiles every one and compares it with NumPy; report.py prints the table."""
