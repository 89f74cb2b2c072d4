"""Differential fuzzing of jitc: random NumPy programs (generator.py), inputs with special values and odd layouts
(inputs.py), and the oracle that runs them eagerly, in float64 and through every jitc front door (oracle.py)."""
