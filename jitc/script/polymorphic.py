"""`jitc.script(fn)` for a plain function: one graph per kind of call. The graph shown (`.graph`, `.code`) is
compiled for array parameters (or the types of scalar defaults); a call with Python scalars, tuples, None or
strings where the parameters are unannotated compiles a variant for those kinds, once. Keywords and defaults
bind by the Python signature."""
from __future__ import annotations

from ..arguments import CallBinder, flatten
from ..errors import ScriptError
from ..script_module import ScriptFunction
from ..types import INT, TENSOR, TupleType


class ScriptedFunction(ScriptFunction):
    def __init__(self, fn, compile_variant):
        self.fn, self._compile_variant = fn, compile_variant  # compile_variant(fn, kinds) -> Graph
        self.binder = CallBinder(fn, skip_self=False)
        self._base_kinds = self.binder.default_kinds()
        self._variants: dict[tuple, ScriptFunction] = {}
        self._base_error: ScriptError | None = None
        try:
            graph = compile_variant(fn, self._base_kinds)
        except ScriptError as e:
            if not any(self._compiles(kinds) for kinds in self._scalar_guesses()):
                raise
            graph, self._base_error = None, e  # e.g. `range(n)`: n is an int, known once it is called
        super().__init__(graph, fn.__name__)

    def __reduce__(self):
        from ..pickling import reduce_scripted

        return reduce_scripted(self)

    def __copy__(self):
        from ..pickling import copy_scripted

        return copy_scripted(self)

    def _scalar_guesses(self):
        """Kinds under which an error of the array-typed graph may go away: one parameter an int, or all but the
        first (a function of an array and sizes); one or all parameters tuples of arrays."""
        base = self._base_kinds
        arrays = [i for i, k in enumerate(base) if k == TENSOR]
        for i in arrays:
            yield tuple(INT if j == i else k for j, k in enumerate(base))
        if len(arrays) > 2:
            yield tuple(INT if j in arrays[1:] else k for j, k in enumerate(base))
        pair = TupleType((TENSOR, TENSOR))  # parameters that are tuples or lists of arrays
        for i in arrays:
            yield tuple(pair if j == i else k for j, k in enumerate(base))
        yield tuple(pair if j in arrays else k for j, k in enumerate(base))

    def _compiles(self, kinds: tuple) -> bool:
        try:
            self._compile_variant(self.fn, kinds)
            return True
        except Exception:  # noqa: BLE001  (a guess that does not compile, however it fails)
            return False

    @property
    def graph(self):
        if self._graph is None and self._variants:  # the variant compiled most recently
            return next(reversed(self._variants.values())).graph
        if self._graph is None:
            raise ScriptError(f"{self._base_error}\n(scripted with array parameters; {self.name}() compiles for "
                              "the kinds of arguments it is called with, e.g. Python ints)")
        return self._graph

    @graph.setter
    def graph(self, graph) -> None:
        self._graph = graph

    def variant(self, args: tuple, kwargs: dict) -> tuple[ScriptFunction, list]:
        """The ScriptFunction for this call's argument kinds and its flattened arguments."""
        bound = self.binder.bind(args, kwargs)
        kinds = self.binder.kinds(bound)
        if kinds == self._base_kinds and self._graph is not None:
            return self, flatten(bound, kinds)
        target = self._variants.get(kinds)
        if target is None:
            target = self._variants[kinds] = ScriptFunction(self._compile_variant(self.fn, kinds), self.name)
        return target, flatten(bound, kinds)

    def _general_call(self, *args, **kwargs):
        from ..nn.module import HOOKS
        from ..runtime import run_function

        target, flat = self.variant(args, kwargs)
        if HOOKS.call is not None:  # called while tracing: the tracer copies the variant's graph into the trace
            return HOOKS.call(target, tuple(flat), {})
        return run_function(target, tuple(flat), owner=self)

    def _executor_and_values(self, args):
        target, flat = self.variant(args, {})
        if target is self:
            return super()._executor_and_values(tuple(flat))
        return target._executor_and_values(tuple(flat))

    def cache_info(self) -> list[dict]:
        own = super().cache_info()
        return own + [info for v in self._variants.values() for info in v.cache_info()]
