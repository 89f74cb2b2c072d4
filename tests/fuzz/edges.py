"""Random programs at the edges of NumPy's and Python's semantics, checked bit for bit (tests/test_fuzz.py's
`test_fuzz_edges`; a long run: `python -m fuzz.edges --cases 10000` from tests/).

Where tests/fuzz/generator.py writes float programs judged by an accuracy rule, these are exact: small int arrays
meet Python ints in and out of their range (NEP 50: exact comparisons, OverflowError, clip dropping bounds,
where wrapping), floats with -0.0, NaN and ±inf go through maximum/minimum/clip/`** 0.5`/division, casts narrow
floats to every int type, and Python scalar code divides by zero and multiplies beyond 64 bits. The rule: the
same outcome as eager Python/NumPy (a value of the same type, dtype, shape and bits, signed zeros included; or an
exception of the same type). The one documented difference: Python int arithmetic beyond 64 bits on values known
only at run time raises jitc.IntegerOverflowError where Python computes a big int.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

INT_DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")
FLOAT_DTYPES = ("float32", "float64")
# NumPy's own float -> uint32 results out of range depend on the array's length (SIMD vs scalar loop): left out
CAST_TARGETS = ("np.int8", "np.uint8", "np.int16", "np.uint16", "np.int32", "np.int64", "np.uint64", "np.bool_")
PY_INTS = (0, 1, -1, 3, 7, 127, 128, 255, 256, 300, -129, -128, 65535, 65536, 2**31, -2**31 - 1, 2**32,
           2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, 2**70, -2**70)
INT_FORMS = ("{x} + {c}", "{x} - {c}", "{x} * {c}", "{x} // {c}", "{x} % {c}", "{x} < {c}", "{x} <= {c}",
             "{x} > {c}", "{x} >= {c}", "{x} == {c}", "{x} != {c}", "{c} < {x}", "{c} == {x}", "np.maximum({x}, {c})",
             "np.minimum({x}, {c})", "np.clip({x}, {c}, {d})", "np.where({x} > {c}, {x}, {d})", "{x} & {c}",
             "{x} | {c}")
FLOAT_FORMS = ("{x} ** 0.5", "np.power({x}, 0.5)", "1.0 / np.maximum({x}, 0.0)", "1.0 / np.minimum({x}, -0.0)",
               "1.0 / np.maximum(0.0, {x})", "1.0 / np.clip({x}, 0.0, 1.0)", "1.0 / np.clip({x}, -0.0, -0.0)",
               "np.maximum({x}, {y})", "np.minimum({x}, {y})", "{x} + 2**70", "{x} * 2**200", "{x} < 2**70",
               "{x}.astype({t})", "np.sqrt({x})", "-{x}", "np.abs({x})", "{x} * -0.0", "{x} == {y}",
               "F.relu({x})", "np.where({x} > 0.0, {x}, -0.0)")
SCALAR_FORMS = ("{a} // {b}", "{a} % {b}", "{a} / {b}", "{a} * {b}", "{a} + {b}", "{a} - {b}", "{a} < {b}",
                "{a} == {b}", "True + True", "{a} * {b} * {b}")
SPECIAL = (-0.0, 0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 0.5, 300.0, -129.0, 255.5, 1e10, -1e10, 2.0**31, 2.0**63,
           65539.0, -32769.0, 1e30, -2.5, 3.75)


@dataclass
class EdgeProgram:
    seed: int
    source: str
    args: list
    notes: list

    def describe(self) -> str:
        return f"seed={self.seed}\nargs: {', '.join(self.notes)}\n--- program ---\n{self.source}"


class _Edges:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def py_int(self) -> int:
        return int(self.pick(PY_INTS))

    def int_array(self, dtype: str) -> np.ndarray:
        info = np.iinfo(dtype)
        shape = self.pick([(), (1,), (4,), (3, 5), (2, 1, 3), (0,), (17,)])
        edges = np.array([info.min, info.max, 0, 1, info.max // 2, info.min // 2 + (info.min < 0)], dtype)
        a = np.array(self.rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True), dtype)
        if a.size:
            mask = self.rng.random(shape) < 0.4
            a[mask] = edges[self.rng.integers(0, len(edges), int(mask.sum()))]
        return self._layout(a)

    def float_array(self, dtype: str) -> np.ndarray:
        shape = self.pick([(), (1,), (4,), (3, 5), (2, 1, 3), (0,), (17,)])
        pool = np.array(SPECIAL, dtype)
        a = np.array(self.rng.standard_normal(shape) * self.pick([1.0, 100.0, 1e6]), dtype)
        if a.size:
            mask = self.rng.random(shape) < 0.6
            a[mask] = pool[self.rng.integers(0, len(pool), int(mask.sum()))]
        return self._layout(a)

    def _layout(self, a: np.ndarray) -> np.ndarray:
        if a.ndim and self.rng.random() < 0.3:
            return a[::-1]
        if a.ndim >= 2 and self.rng.random() < 0.3:
            return np.ascontiguousarray(a.T).T
        return a

    def program(self) -> EdgeProgram:
        kind = self.pick(["int", "int", "float", "float", "scalar"])
        args, notes, params, lines = [], [], [], []
        if kind == "scalar":
            a, b = self.pick([7, -7, 0, 2**40, 3, -2**62]), self.pick([0, 2, -3, 2**40, 0, 1])
            if self.rng.random() < 0.5:
                a, b = float(a), float(self.pick([0.0, -0.0, 2.5, 0.0]))
            runtime = self.rng.random() < 0.6
            x = self.float_array("float64")
            args.append(x)
            notes.append(f"a0: float64{list(x.shape)}")
            params.append("a0")
            if runtime:
                t = type(a).__name__
                args += [a, b]
                notes += [f"a = {a!r}", f"b = {b!r}"]
                params += [f"a: {t}", f"b: {type(b).__name__}"]
                names = ("a", "b")
            else:
                names = (repr(a), repr(b))
            expr = self.pick(SCALAR_FORMS).format(a=names[0], b=names[1])
            lines.append(f"    v0 = {expr}")
            ret = "v0" if self.rng.random() < 0.5 else "a0 + v0"
        else:
            n_stmts = int(self.rng.integers(1, 4))
            dtype = self.pick(INT_DTYPES if kind == "int" else FLOAT_DTYPES)
            x = self.int_array(dtype) if kind == "int" else self.float_array(dtype)
            args.append(x)
            notes.append(f"a0: {dtype}{list(x.shape)} strides={x.strides}")
            params.append("a0")
            if kind == "int" and self.rng.random() < 0.4:
                s = self.py_int()
                args.append(s)
                notes.append(f"s = {s!r}")
                params.append("s: int")
            outs = []
            for k in range(n_stmts):
                if kind == "int":
                    c = "s" if "s: int" in params and self.rng.random() < 0.5 else repr(self.py_int())
                    expr = self.pick(INT_FORMS).format(x="a0", c=c, d=repr(self.py_int()))
                else:
                    y = "a0[::-1]" if self.rng.random() < 0.5 else _literal(float(self.pick(SPECIAL)))
                    expr = self.pick(FLOAT_FORMS).format(x="a0", y=y, t=self.pick(CAST_TARGETS))
                lines.append(f"    v{k} = {expr}")
                outs.append(f"v{k}")
            ret = ", ".join(outs)
        source = ('"""Edge program, seed {}."""\nimport numpy as np\n\nfrom jitc.nn import functional as F\n\n\n'
                  "def prog({}):\n{}\n    return {}\n").format(self.seed, ", ".join(params), "\n".join(lines), ret)
        return EdgeProgram(self.seed, source, args, notes)


def _literal(v: float) -> str:
    return "np.nan" if np.isnan(v) else ("np.inf" if v > 0 else "-np.inf") if abs(v) == np.inf else repr(v)


def generate_edge(seed: int) -> EdgeProgram:
    return _Edges(seed).program()


class EdgeMismatch(AssertionError):
    pass


def _outcome(fn, args):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "value", fn(*args)
    except Exception as e:  # noqa: BLE001  (the exception is the outcome being compared)
        return "raised", e


def _needs_big_ints(program: EdgeProgram) -> bool:
    """Python scalar code whose exact result needs more than 64 bits (jitc raises IntegerOverflowError there)."""
    ints = [a for a in program.args if type(a) is int]
    return any(abs(a) >= 2**31 for a in ints) and "*" in program.source


def _same_value(got, want, where: str) -> None:
    if type(got) is not type(want):
        raise EdgeMismatch(f"{where}: type {type(got).__name__}, eager {type(want).__name__}")
    if isinstance(want, tuple):
        if len(got) != len(want):
            raise EdgeMismatch(f"{where}: {len(got)} outputs, eager {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            _same_value(g, w, f"{where}[{i}]")
        return
    g, w = np.asarray(got), np.asarray(want)
    if g.dtype != w.dtype or g.shape != w.shape:
        raise EdgeMismatch(f"{where}: {g.dtype}{list(g.shape)}, eager {w.dtype}{list(w.shape)}")
    same = np.array_equal(g, w, equal_nan=w.dtype.kind == "f")
    if same and w.dtype.kind == "f":
        same = np.array_equal(np.signbit(g), np.signbit(w))
    if not same:
        raise EdgeMismatch(f"{where}: values differ\n  jitc:  {g!r}\n  eager: {w!r}")


def run_edge_case(program: EdgeProgram, folder: Path) -> None:
    """Eager vs jitc.compile and jitc.script (each called twice: general path, then fast path)."""
    import jitc
    from fuzz.oracle import load_module

    path = folder / f"jitc_edge_{program.seed}.py"
    path.write_text(program.source)
    prog = load_module(path, f"jitc_edge_{program.seed}").prog
    kind, want = _outcome(prog, program.args)
    for front in ("compile", "script"):
        compiled = getattr(jitc, front)(prog)
        for call in ("first call", "second call"):
            where = f"{front}, {call}\n{program.describe()}"
            got_kind, got = _outcome(compiled, program.args)
            if got_kind == "raised" and isinstance(got, jitc.IntegerOverflowError) and kind == "value" \
                    and _needs_big_ints(program):
                continue  # the documented choice: no big ints in compiled code
            if got_kind != kind:
                detail = "".join(traceback.format_exception(got))[-1500:] if got_kind == "raised" else repr(got)
                raise EdgeMismatch(f"{where}\neager: {kind} {want!r}\njitc: {got_kind} {detail}")
            if kind == "raised":
                if not isinstance(got, type(want)):
                    raise EdgeMismatch(f"{where}\neager raised {type(want).__name__}: {want}\n"
                                       f"jitc raised {type(got).__name__}: {got}")
            else:
                _same_value(got, want, where)


def main(argv=None) -> int:
    """The long run: `cd tests && python -m fuzz.edges --cases 10000 --seed 0`; prints counts and failures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    failures, outcomes = [], {"value": 0, "raised": 0}
    with tempfile.TemporaryDirectory() as d:
        for seed in range(opts.seed, opts.seed + opts.cases):
            program = generate_edge(seed)
            try:
                run_edge_case(program, Path(d))
            except EdgeMismatch as e:
                failures.append(seed)
                print(f"FAIL {e}\n", file=sys.stderr)
            except Exception:  # noqa: BLE001  (jitc raised while compiling: a failure too, keep going)
                failures.append(seed)
                print(f"FAIL {program.describe()}\n{traceback.format_exc()[-3000:]}\n", file=sys.stderr)
            from fuzz.oracle import load_module

            eager = load_module(Path(d) / f"jitc_edge_{seed}.py", f"jitc_edge_{seed}").prog
            outcomes[_outcome(eager, program.args)[0]] += 1
    print(f"{opts.cases} programs (seeds {opts.seed}..{opts.seed + opts.cases - 1}): {outcomes['value']} values, "
          f"{outcomes['raised']} exceptions in eager NumPy/Python; {len(failures)} failures {failures[:50]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
