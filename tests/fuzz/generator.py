"""Random NumPy programs over jitc's op table, written as real Python source (so script and trace can read it).

A program is `def prog(a0, ..., s)`: array inputs with broadcast-compatible shapes and float32/float64 dtypes (a
float16 first input in test_fuzz_half), an optional Python float `s`, then a chain of statements (elementwise ops,
Python scalars, comparisons + where, boolean mask reads, reductions with axis/keepdims, matmul, complex numbers,
and, for scripting, `if x.sum() > 0` and `for i in range(n)` loops that carry arrays). The generator tracks every variable's shape
and dtype (NumPy's promotion decides), so the programs it writes are valid NumPy. Everything derives from one
seed: the same seed gives the same program.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .inputs import layout
from .mutation import mutate

UNARY = ("np.tanh({})", "np.exp({})", "np.log({})", "np.sqrt({})", "np.abs({})", "-{}", "F.sigmoid({})",
         "F.relu({})", "np.log(np.abs({}) + 1.0)", "np.sqrt(np.abs({}))", "np.clip({}, -2.0, 3.0)",
         "{} ** 2", "np.tanh({} * 0.5)", "{} % 1.5", "{} // 0.75", "np.abs({}) ** 0.5", "np.ones_like({}) - {}",
         "np.zeros_like({}) + 2.0 * {}")
EXACT_UNARY = ("np.abs({})", "-{}", "F.relu({})", "np.clip({}, -2.0, 3.0)")  # no rounding: safe before a compare
BINARY = ("{} + {}", "{} - {}", "{} * {}", "{} / {}", "np.maximum({}, {})", "np.minimum({}, {})",
          "np.power(np.abs({}), {})", "{} % {}", "{} // {}")  # last three: exact operands only (discontinuous)
COMPARE = ("{} > {}", "{} < {}", "{} >= {}", "{} <= {}", "{} == {}", "{} != {}")
SCALARS = ("0.5", "2.0", "-1.25", "3", "1e-3", "0.0", "-7", "1e4")
REDUCE = ("sum", "mean", "max", "min")
# complex numbers: made from float variables, combined, and brought back to floats (the rest stays real). The
# complex literal comes second: `1j * np.float64(x)` is a Python complex (complex.__mul__ takes a float subclass).
# exp's arguments are bounded: cos and sin of a huge part amplify its last-bit differences without limit.
TO_COMPLEX = ("{0} + {1} * 1j", "{0} * (0.5 - 1.5j)", "{1} - 0.25j", "np.exp(np.tanh({0}) * 0.5j) * {1}")
COMPLEX_OPS = ("{0} * {1}", "{0} + {1}", "{0} - {1}", "{0} / {1}", "np.exp({0} / (np.abs({0}) + 1.0))",
               "np.sqrt({0})", "np.conj({0}) * {1}", "-{0}", "{0} * {0}", "np.log({0} + 3.0)")
TO_REAL = ("np.abs({})", "{}.real", "{}.imag", "np.real({0} * np.conj({0}))", "np.angle({})", "{}.sum().real")


@dataclass
class Var:
    name: str
    shape: tuple
    dtype: np.dtype
    exact: bool  # equal bit for bit in every correct implementation (inputs and sign/abs/max of them)


@dataclass
class Program:
    seed: int
    source: str
    args: list
    arg_notes: list
    scripted_control_flow: bool
    accumulates: bool
    outputs: int = 1
    lines: list = field(default_factory=list)

    def describe(self) -> str:
        notes = ", ".join(self.arg_notes)
        return f"seed={self.seed}\nargs: {notes}\n--- program ---\n{self.source}"


def _promote(*dtypes) -> np.dtype:
    return np.result_type(*[np.empty(0, d) for d in dtypes])


def _broadcastable_to(small: tuple, big: tuple) -> bool:
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small[::-1], big[::-1]))


class Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.vars: list[Var] = []
        self.lines: list[str] = []
        self.count = 0
        self.control_flow = False
        self.accumulates = False  # a sum/mean/matmul: its order decides NaN vs inf once values overflow

    # ---- helpers
    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def new(self, expr: str, shape: tuple, dtype, exact: bool = False, indent: str = "    ") -> Var:
        v = Var(f"v{self.count}", tuple(shape), np.dtype(dtype), exact)
        self.count += 1
        self.lines.append(f"{indent}{v.name} = {expr}")
        self.vars.append(v)
        return v

    def scalar(self) -> tuple[str, bool]:
        """A Python scalar operand: a literal or the float argument `s`."""
        if self.has_s and self.chance(0.3):
            return "s", True
        return self.pick(SCALARS), True

    def float_vars(self) -> list[Var]:
        return [v for v in self.vars if v.dtype.kind == "f"]

    # ---- statements
    def elementwise(self) -> None:
        x = self.pick(self.float_vars()[-4:])
        r = self.rng.random()
        if r < 0.35:
            form = self.pick(UNARY if x.exact else UNARY[:-5] + UNARY[-2:])
            self.new(form.replace("{}", x.name), x.shape, x.dtype, x.exact and form in EXACT_UNARY)
        elif r < 0.55:
            lit, _ = self.scalar()
            form = self.pick(BINARY if x.exact else BINARY[:-3])
            first = self.chance(0.5) or form.startswith("np.power")  # np.abs(<literal>): see test_fuzz's xfail
            expr = form.format(x.name, lit) if first else form.format(lit, x.name)
            self.new(expr, x.shape, x.dtype, x.exact and form.startswith("np.m"))
        else:
            others = [v for v in self.float_vars() if _broadcast(v.shape, x.shape) is not None]
            y = self.pick(others)
            form = self.pick(BINARY if x.exact and y.exact else BINARY[:-3])
            shape = _broadcast(x.shape, y.shape)
            self.new(form.format(x.name, y.name), shape, _promote(x.dtype, y.dtype),
                     x.exact and y.exact and form.startswith("np.m"))

    def complex_chain(self) -> None:
        """A float variable made complex, a few complex ops on it (NumPy's promotion decides the dtypes), and a
        float result of it (abs, real, imag, angle)."""
        x = self.pick(self.float_vars()[-4:])
        others = [v for v in self.float_vars() if _broadcast(v.shape, x.shape) is not None]
        y = self.pick(others)
        form = self.pick(TO_COMPLEX)
        used = [v for v, mark in ((x, "{0}"), (y, "{1}")) if mark in form]  # (x * (0.5 - 1.5j) has x's shape)
        shape = _broadcast(*(v.shape for v in used))
        dtype = _promote(*(v.dtype for v in used), np.complex64)
        z = self.new(form.format(x.name, y.name), shape, dtype)
        for _ in range(int(self.rng.integers(1, 4))):
            w = self.pick([v for v in self.vars if v.dtype.kind == "c" and v.shape == z.shape])
            z = self.new(self.pick(COMPLEX_OPS).format(z.name, w.name), shape, _promote(z.dtype, w.dtype))
        form = self.pick(TO_REAL)
        real = np.dtype(np.float32 if z.dtype == np.complex64 else np.float64)
        self.new(form.format(z.name), () if form.endswith(".sum().real") else shape, real)
        self.accumulates = self.accumulates or form.endswith(".sum().real")

    def where(self) -> None:
        """np.where on a comparison of exact values (a rounding difference must not flip the condition)."""
        exact = [v for v in self.float_vars() if v.exact]
        c1 = self.pick(exact)
        c2 = self.pick(exact) if self.chance(0.6) else None
        cond = self.pick(COMPARE).format(c1.name, c2.name if c2 else self.pick(["0.0", "1.0", "-0.5"]))
        if self.chance(0.3):
            cond = f"np.logical_not({cond})"
        x = self.pick(self.float_vars())
        y = self.pick(self.float_vars()) if self.chance(0.7) else None
        shapes = [v.shape for v in (c1, c2, x, y) if v is not None]
        shape = _broadcast(*shapes)
        if shape is None:
            return self.elementwise()
        dtype = _promote(x.dtype, y.dtype) if y else x.dtype
        yexpr = y.name if y else self.scalar()[0]
        self.new(f"np.where({cond}, {x.name}, {yexpr})", shape, dtype, x.exact and (y is None or y.exact))
        return None

    def reduce(self) -> None:
        x = self.pick(self.float_vars())
        name = self.pick(REDUCE)
        nd = len(x.shape)
        if nd == 0 or self.chance(0.25):
            axis = None
        else:
            axis = int(self.rng.integers(-nd, nd))
        keep = self.chance(0.5)
        axes = range(nd) if axis is None else [axis % nd]
        if name in ("max", "min") and any(x.shape[a] == 0 for a in axes):
            name = "sum"
        if axis is None and not keep:
            shape = ()
        elif keep:
            shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        else:
            shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        style = self.rng.random()
        args = f"axis={axis}, keepdims={keep}"
        expr = f"{x.name}.{name}({args})" if style < 0.5 else f"np.{name}({x.name}, {args})"
        self.new(expr, shape, x.dtype, x.exact and name in ("max", "min"))
        self.accumulates = self.accumulates or name in ("sum", "mean")

    def select(self) -> None:
        """A boolean mask read (its length is the data's) reduced back to a shape the generator knows: the sum of
        the selected elements, or of the selected rows over the last axis's mask."""
        c = self.pick([v for v in self.float_vars() if v.exact])
        x = self.pick([v for v in self.float_vars() if v.shape == c.shape])
        cond = f"({c.name} {self.pick(('>', '<', '>='))} {self.pick(('0.0', '0.5', '-1.0'))})"
        self.accumulates = True
        if len(x.shape) >= 2 and x.shape[-1] > 0 and self.chance(0.5):
            last = ", ".join([":"] * (len(x.shape) - 1) + ["0"])  # (scripting needs the rank for `...`)
            self.new(f"np.sum({x.name}[{cond}[{last}]], axis=0)", x.shape[-1:], x.dtype)
        else:
            self.new(self.pick(("{}[{}].sum()", "np.sum({}[{}] * 2.0)")).format(x.name, cond), (), x.dtype)

    def matmul(self) -> None:
        two = [v for v in self.float_vars() if len(v.shape) in (2, 3)]
        if not two:
            return self.elementwise()
        x = self.pick(two)
        self.accumulates = True
        if len(x.shape) == 2:
            if self.chance(0.5):
                self.new(f"{x.name} @ {x.name}.T", (x.shape[0], x.shape[0]), x.dtype)
            else:
                self.new(f"np.matmul({x.name}.T, {x.name})", (x.shape[1], x.shape[1]), x.dtype)
            return None
        b, m, _ = x.shape
        self.new(f"{x.name} @ np.transpose({x.name}, (0, 2, 1))", (b, m, m), x.dtype)
        return None

    def branch(self) -> None:
        """`if c.sum() > 0:` with both branches producing the same shape and dtype (scripted only)."""
        exact = [v for v in self.float_vars() if v.exact]
        c = self.pick(exact)
        x = self.pick(self.float_vars())
        lit, _ = self.scalar()
        forms = ("{} * 2.0", "-{}", "np.abs({})", "np.tanh({})", f"{{}} + {lit}", "np.exp(-np.abs({}))")
        name = f"v{self.count}"
        self.lines.append(f"    if {c.name}.sum() {self.pick(('>', '<', '>='))} 0:")
        self.new(self.pick(forms).format(x.name), x.shape, x.dtype, indent="        ")
        self.vars.pop()
        self.lines.append("    else:")
        self.lines.append(f"        {name} = {self.pick(forms).format(x.name)}")
        self.vars.append(Var(name, x.shape, x.dtype, False))
        self.control_flow = True

    def loop(self) -> None:
        """`for i in range(n)` carrying an array; the carried value keeps its shape and dtype (scripted only)."""
        x = self.pick(self.float_vars())
        adds = [v for v in self.float_vars() if _broadcastable_to(v.shape, x.shape)
                and _promote(v.dtype, x.dtype) == x.dtype]
        y = self.pick(adds)
        n = int(self.rng.integers(0, 4))
        acc = f"v{self.count}"
        self.count += 1
        body = self.pick((f"{acc} * 0.5 + {y.name}", f"np.tanh({acc}) + {y.name}",
                          f"np.maximum({acc}, {y.name}) * 0.9", f"{acc} + {y.name} * 0.25"))
        self.lines.append(f"    {acc} = {x.name}")
        self.lines.append(f"    for i in range({n}):")
        self.lines.append(f"        {acc} = {body}")
        if self.chance(0.3):
            self.lines.append(f"        if {acc}.sum() > 100.0:")
            self.lines.append("            break")
        self.vars.append(Var(acc, x.shape, x.dtype, False))
        self.control_flow = True

    def view(self) -> None:
        """Views and casts: slices with steps, integer index, .T, transpose, reshape, expand_dims, astype."""
        x = self.pick(self.float_vars())
        nd = len(x.shape)
        r = self.rng.random()
        if nd and r < 0.25 and x.shape[0] > 0:
            start, step = int(self.rng.integers(0, 2)), int(self.pick([1, 2, -1, 3]))
            n = len(range(*slice(start if step > 0 else None, None, step).indices(x.shape[0])))
            expr = f"{x.name}[{start if step > 0 else ''}::{step}]"
            self.new(expr, (n,) + x.shape[1:], x.dtype, x.exact)
        elif nd and r < 0.4 and x.shape[0] > 0:
            i = int(self.rng.integers(-x.shape[0], x.shape[0]))
            self.new(f"{x.name}[{i}]", x.shape[1:], x.dtype, x.exact)
        elif nd >= 2 and r < 0.55:
            self.new(f"{x.name}.T", x.shape[::-1], x.dtype, x.exact)
        elif r < 0.7:
            self.new(f"{x.name}.reshape(-1)", (int(np.prod(x.shape)),), x.dtype, x.exact)
        elif r < 0.8:
            ax = int(self.rng.integers(0, nd + 1))
            self.new(f"np.expand_dims({x.name}, {ax})", x.shape[:ax] + (1,) + x.shape[ax:], x.dtype, x.exact)
        else:
            to = self.pick(["np.float32", "np.float64"])
            self.new(f"{x.name}.astype({to})", x.shape, np.dtype(to[3:]), x.exact and to == "np.float64")

    # ---- the whole program
    def shapes(self) -> tuple[tuple, list[tuple]]:
        nd = int(self.rng.choice([0, 1, 2, 2, 3]))
        dims = [int(self.rng.choice([1, 2, 3, 4, 5, 7, 0] if self.chance(0.08) else [1, 2, 3, 4, 5, 7, 16]))
                for _ in range(nd)]
        base = tuple(dims)
        n_arrays = int(self.rng.integers(1, 4))
        shapes = [base]
        for _ in range(n_arrays - 1):
            s = list(base[int(self.rng.integers(0, nd + 1)):] if nd and self.chance(0.3) else base)
            s = [1 if self.chance(0.25) else d for d in s]
            shapes.append(tuple(s))
        return base, shapes

    def program(self, allow_control_flow: bool = True, half: bool = False) -> Program:
        """half: the first input is float16 (computed in float32 and rounded to half op by op, as NumPy)."""
        _, shapes = self.shapes()
        all32 = self.chance(0.6)
        special_rate = float(self.rng.choice([0.0, 0.0, 0.05, 0.2]))
        args, notes, params = [], [], []
        for i, shape in enumerate(shapes):
            dtype = np.float16 if half and i == 0 else np.float32 if all32 or self.chance(0.5) else np.float64
            a, kind = layout(self.rng, shape, dtype, special_rate)
            args.append(a)
            notes.append(f"a{i}: {np.dtype(dtype).name}{list(shape)} {kind} strides={a.strides}")
            params.append(f"a{i}")
            self.vars.append(Var(f"a{i}", shape, np.dtype(dtype), True))
        self.has_s = self.chance(0.4)
        if self.has_s:
            s = float(self.pick([0.5, -1.5, 2.0, 1e-3, 3.0]))
            args.append(s)
            notes.append(f"s = {s!r}")
            params.append("s: float")
        for _ in range(int(self.rng.integers(2, 8))):
            r = self.rng.random()
            if r < 0.4:
                self.elementwise()
            elif r < 0.42:
                self.select()
            elif r < 0.5:
                self.view()
            elif r < 0.62:
                self.where()
            elif r < 0.75:
                self.reduce()
            elif r < 0.8:
                self.matmul()
            elif r < 0.85:
                self.complex_chain()
            elif allow_control_flow and r < 0.92:
                self.branch()
            elif allow_control_flow:
                self.loop()
            else:
                self.elementwise()
            if self.chance(0.15):
                mutate(self)
        last = self.vars[-1]
        outputs = 1
        if self.chance(0.2) and len(self.vars) > 2:
            ret = f"{last.name}, {self.vars[-2].name}"
            outputs = 2
        else:
            ret = last.name
        body = "\n".join(self.lines)
        source = (f'"""Fuzzed program, seed {self.seed}."""\nimport numpy as np\n\nfrom jitc.nn import functional as F\n\n\n'
                  f"def prog({', '.join(params)}):\n{body}\n    return {ret}\n")
        return Program(self.seed, source, args, notes, self.control_flow, self.accumulates, outputs)


def _broadcast(*shapes: tuple):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def generate(seed: int, half: bool = False) -> Program:
    """The program of a seed (deterministic); with half, the same program with a float16 first input."""
    return Generator(seed).program(half=half)
