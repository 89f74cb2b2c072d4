"""The decomposition table as a whole: every new op has samples in a family suite, composites expand to
primitives in traced and specialized graphs, scripted-only spellings (np.array of scalars), clear errors."""
from __future__ import annotations

import numpy as np
import pytest
import test_decomp_creation
import test_decomp_indexing
import test_decomp_manipulation
import test_decomp_products
import test_decomp_reductions
import test_decomp_signals
import test_decomp_sorting
import test_decomp_ufuncs
from decomp_check import assert_same, signed, uncovered

import jitc
from jitc.ops import OPS
from jitc.ops.registry import COMPOSITE

FAMILIES = (test_decomp_creation, test_decomp_indexing, test_decomp_manipulation, test_decomp_products,
            test_decomp_reductions, test_decomp_signals,
            test_decomp_sorting, test_decomp_ufuncs)


def test_every_new_op_has_samples():
    samples = [s for family in FAMILIES for s in family.SAMPLES]
    # np::index is scripted x[i, j] (test_decomp_indexing); np.array is scripting-only (below: a trace reads
    # np.array(proxy) through __array__, which NumPy does not dispatch); index writes are statements, not
    # expressions (np.add.at(x, i, v), x[i] += v, x[i, j] -= v): test_scatter.py and the index-write fuzz cover
    # them; x.item()
    # too (a trace bakes the scalar: test_decomp_ufuncs.test_item_is_a_python_scalar)
    # aten::masked_select is spelled x[mask] (test_decomp_indexing.MASKS)
    samples += test_decomp_indexing.MASKS
    missing = uncovered(samples) - {"np::index", "np::array", "aten::index_scatter", "aten::index_assign", "np::item",
                                    "np::index_set", "aten::masked_select"}
    assert missing == set(), f"ops without samples: {sorted(missing)}"


def norm_and_split(x):
    a, b = np.split(x, 2, axis=-1)
    return np.linalg.norm(a, axis=1) + np.einsum("ij,ij->i", b, b)


def test_composites_expand_to_primitives():
    x = signed((3, 4))
    traced = jitc.trace(norm_and_split, (x,))
    scripted = jitc.script(norm_and_split)
    assert "np::split" in str(scripted.graph)  # its shapes are not known before the call
    for graph in (traced.graph, scripted.graph_for(x)):
        kinds = {n.kind for n in graph.nodes()}
        assert not {k for k in kinds if k in OPS and OPS[k].kind == COMPOSITE}, kinds
    assert_same(scripted(x), norm_and_split(x), "scripted")
    assert_same(traced(x), norm_and_split(x), "traced")


def scalars_to_array(x):
    return np.array((x[0, 0], 2.0, x[1, 1])) + np.array([1, 2, 3])


def stacked_ints(x):
    n = x.shape[0]
    return np.array((n, n + 1)) * 2


def test_np_array_of_scalars_when_scripting():
    x = signed((3, 4), np.float32)
    for fn in (scalars_to_array, stacked_ints):
        assert_same(jitc.script(fn)(x), fn(x), fn.__name__)


def singular_vectors(x):
    return np.linalg.svd(x)


def out_argument(x):
    return np.cumsum(x, out=x)


@pytest.mark.parametrize("fn, message", [(singular_vectors, "compute_uv=True"), (out_argument, "np.cumsum(out=...)")])
def test_unsupported_forms_name_the_call(fn, message):
    x = signed((3, 4))
    with pytest.raises(jitc.JitcError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        jitc.trace(fn, (x,))
