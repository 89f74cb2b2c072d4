"""parse_ir: print -> parse -> print is identity, and malformed text only ever raises IRParseError."""
import math
import random
import time

import numpy as np
import pytest

from jitc.errors import IRParseError
from jitc.ir import Graph
from jitc.parser import MAX_DEPTH, parse_ir
from jitc.printer import format_literal, print_graph
from jitc.types import BOOL, FLOAT, INT, NONE, STR, TENSOR, ListType, ModuleType, TensorType, TupleType

GOLDEN = """\
graph(%self : __jitc__.MyCell,
      %x : Float(3, 4, strides=[4, 1]),
      %h : Tensor):
  %dg : __jitc__.MyDecisionGate = prim::GetAttr[name="dg"](%self)
  %5 : Tensor = prim::CallMethod[name="forward"](%dg, %x)  # cell.py:14:31
  %c : float = prim::Constant[value=0.5]()
  %n : NoneType = prim::Constant[value=None]()
  %ax : (int, int) = prim::Constant[value=(0, 1)]()
  %t : (Tensor, Tensor) = prim::TupleConstruct(%x, %h)
  %a : Tensor, %b : Tensor = prim::TupleUnpack(%t)
  %cond : bool = prim::Constant[value=True]()
  %r : Tensor = prim::If(%cond)  # cell.py:5:8
    block0():
      -> (%x)
    block1():
      %y : Tensor = aten::neg(%x)
      -> (%y)
  %true : bool = prim::Constant[value=True]()
  %10 : int = prim::Constant[value=3]()
  %o : Tensor = prim::Loop(%10, %true, %h)
    block0(%i : int, %h.1 : Tensor):
      %x.1 : Tensor = aten::add(%h.1, %r)
      -> (%true, %x.1)
  prim::SomeNodeWithNoOutputs(%x)
  return (%o, %a)
"""


def build_graph() -> Graph:
    """A graph using every type kind, attribute kind and block form the printer knows."""
    g = Graph()
    x = g.add_input(TensorType.contiguous(np.float32, (3, 4)), "x")
    g.add_input(TensorType.contiguous(np.float64, (0, 3)), "empty")
    g.add_input(TensorType(np.dtype(np.int64), (), ()), "scalar")
    g.add_input(TensorType(np.dtype(np.bool_), ()), "b0")
    g.add_input(TensorType(np.dtype(np.float16)), "half")
    g.add_input(TensorType(np.dtype(np.uint8), (2, 3)))
    g.add_input(TensorType(np.dtype(np.int8), (4,), (-1,)), "rev")
    g.add_input(ModuleType("Cell"), "self")
    g.add_input(ListType(ListType(FLOAT)), "ll")
    t = g.add_input(TupleType((INT, TupleType((TENSOR, STR)), TupleType(()), ListType(TupleType((BOOL,))))), "t")
    for value in ['say "hi"\\ \n\t', "ünï©ødé 😀 \ud800", "", -7, 2**70, 0.5, -1e-05, 1e16, -0.0,
                  math.inf, -math.inf, math.nan, True, False, None, [1, [2, [3]]], (1,), (), [],
                  ([1.5, None], ("a", (True,)))]:
        g.insert_constant(value)
    c = g.insert_constant(True, source="cell.py:5:8")
    unpack = g.insert("prim::TupleUnpack", [t], [INT, TupleType((TENSOR, STR)), TupleType(()),
                                                 ListType(TupleType((BOOL,)))])
    if_node = g.insert("prim::If", [c], [TENSOR], source="cell.py:6:4  # not a comment")
    then, other = if_node.add_block(), if_node.add_block()
    then.add_return(x)
    with g.inserting_at_end(other):
        neg = g.insert("aten::neg", [x], [TENSOR], {"alpha": 2, "name": "a=b, c"})
    other.add_return(neg.output)
    loop = g.insert("prim::Loop", [unpack.outputs[0], c, if_node.output], [TENSOR])
    body = loop.add_block()
    i, h = body.add_param(INT, "i"), body.add_param(TENSOR, "h")
    with g.inserting_at_end(body):
        inner = g.insert("prim::If", [c], [])
        inner.add_block().add_return(i)
        step = g.insert("aten::add.Tensor", [h, i], [TENSOR])
    body.add_return(c)
    body.add_return(step.output)
    g.insert("prim::Print", [loop.output, unpack.outputs[3]], [])
    g.block.add_return(loop.output)
    g.block.add_return(unpack.outputs[1])
    g.lint()
    return g


def describe(g: Graph) -> list:
    """Everything the printed text should carry, structurally (repr keeps nan, -0.0, bool vs int apart)."""
    def decls(values):
        return [(v.name, v.type) for v in values]

    out = [decls(g.inputs), [v.name for v in g.outputs]]
    for node in g.nodes():
        out.append((node.kind, repr(node.attrs), node.source, [v.name for v in node.inputs], decls(node.outputs),
                    [(decls(b.params), [v.name for v in b.returns], len(b.nodes)) for b in node.blocks]))
    return out


def test_golden_roundtrip_and_structure():
    g = parse_ir(GOLDEN)
    assert print_graph(g) == GOLDEN
    assert [v.name for v in g.inputs] == ["self", "x", "h"]
    assert g.inputs[0].type == ModuleType("MyCell")
    assert g.inputs[1].type == TensorType(np.dtype(np.float32), (3, 4), (4, 1))
    nodes = list(g.block.nodes)
    assert nodes[0].attrs == {"name": "dg"} and nodes[1].source == "cell.py:14:31"
    assert nodes[1].output.name == "5" and nodes[1].inputs == [nodes[0].output, g.inputs[1]]
    if_node = nodes[8]
    assert [len(b.nodes) for b in if_node.blocks] == [0, 1] and if_node.blocks[0].returns == [g.inputs[1]]
    loop = nodes[11]
    assert [p.name for p in loop.blocks[0].params] == ["i", "h.1"]
    assert nodes[-1].outputs == [] and nodes[-1].kind == "prim::SomeNodeWithNoOutputs"
    assert g.inputs[1].uses == [nodes[1], nodes[5], if_node.blocks[0], if_node.blocks[1].nodes[0], nodes[-1]]


def test_built_graph_roundtrip():
    g = build_graph()
    text = print_graph(g)
    parsed = parse_ir(text)
    assert print_graph(parsed) == text
    assert describe(parsed) == describe(g)
    parsed.lint()


def test_numeric_names_kept_and_fresh_names_do_not_collide():
    text = "graph(%0 : int):\n  %2 : int, %1 : int = prim::Pair(%0)\n  return (%1, %2)\n"
    g = parse_ir(text)
    assert print_graph(g) == text
    fresh = g.insert("prim::New", [], [INT, INT]).outputs
    assert {v.name for v in fresh}.isdisjoint({"0", "1", "2"})


@pytest.mark.parametrize("value", [
    0, -1, 10**30, 0.5, -1e-05, 1e+16, 1.0, -0.0, math.inf, -math.inf, math.nan, True, False, None,
    "", 'q"uo\\te', "tab\tnl\n\x00", "ünïcødé", "😀", "\udfff", "#  not a comment", [], (), (1,), (1, 2),
    [[1], [2.5, [None]]], ((1,), [(), ("x",)]),
])
def test_attribute_values_roundtrip(value):
    g = Graph()
    g.block.add_return(g.insert_constant(value))
    parsed = parse_ir(print_graph(g))
    got = next(parsed.nodes()).attrs["value"]
    assert repr(got) == repr(value) and format_literal(got) == format_literal(value)


@pytest.mark.parametrize("text, expected", [
    ("Tensor", TENSOR), ("int", INT), ("float", FLOAT), ("bool", BOOL), ("str", STR), ("NoneType", NONE),
    ("Float", TensorType(np.dtype(np.float32))),
    ("Double()", TensorType(np.dtype(np.float64), ())),
    ("Long(strides=[])", TensorType(np.dtype(np.int64), (), ())),
    ("Bool(0, 3, strides=[3, 1])", TensorType(np.dtype(np.bool_), (0, 3), (3, 1))),
    ("Int(2, 5)", TensorType(np.dtype(np.int32), (2, 5))),
    ("int[]", ListType(INT)), ("float[][]", ListType(ListType(FLOAT))), ("()", TupleType(())),
    ("(int)", TupleType((INT,))), ("(Tensor, (int, str[]))[]", ListType(TupleType((TENSOR, TupleType((INT, ListType(STR))))))),
    ("__jitc__.MyCell", ModuleType("MyCell")),
])
def test_types(text, expected):
    g = parse_ir(f"graph(%a : {text}):\n  return (%a)\n")
    assert g.inputs[0].type == expected and str(expected) == text


def _graph(body: str, params: str = "%x : int") -> str:
    return f"graph({params}):\n{body}"


@pytest.mark.parametrize("text, message", [
    ("", "line 1: unexpected end of input"),
    ("garbage", "line 1: expected 'graph', got 'garbage'"),
    ("graph(%x : int):\n", "line 2: unexpected end of input"),
    ("\x00\x01", "line 1: unexpected character"),
    ("graph():\n\treturn ()\n", "line 2: unexpected character '\\t'"),
    (_graph("  return (%y)\n"), "line 2: undefined value %y"),
    (_graph("  %x : int = prim::Constant[value=1]()\n  return (%x)\n"), "line 2: %x is defined twice"),
    (_graph("  return (%x)\n", "%x : int, %x : int"), "line 1: %x is defined twice"),
    (_graph("  %a : int = aten::f(%a)\n  return (%a)\n"), "line 2: undefined value %a"),
    (_graph("  return (%x)\n", "%x : Flot"), "line 1: unknown type 'Flot'"),
    (_graph("  return (%x)\n", "%x : Float32(3)"), "line 1: unknown type 'Float32'"),
    (_graph("  return (%x)\n", "%x : Float(3, strides=[1, 1])"), "strides must come last and match"),
    (_graph("  return (%x)\n", "%x : Float(3, 4.5)"), "expected an integer"),
    (_graph("  return (%x)\n", "%x : int[)"), "line 1: expected ']'"),
    (_graph("  return (%x)\n", "%x : int"[:-1] + "("), "unbalanced brackets at end of input"),
    ("graph(%x : int)):\n  return (%x)\n", "line 1: unbalanced ')'"),
    (_graph("   return (%x)\n"), "line 2: expected indentation 2, got 3"),
    (_graph("  %b : bool = prim::C[value=True]()\n  prim::If(%b)\n   block0():\n      -> ()\n  return (%x)\n"),
     "line 4: expected indentation 2, got 3"),
    (_graph("  %b : bool = prim::C[value=True]()\n  prim::If(%b)\n    block0():\n      -> ()\n    return (%x)\n"),
     "line 6: expected 'block1', got 'return'"),
    (_graph("  %b : bool = prim::C[value=True]()\n  prim::If(%b)\n    block1():\n      -> ()\n  return (%x)\n"),
     "line 4: expected 'block0'"),
    (_graph("  %b : bool = prim::C[value=True]()\n  %r : int = prim::If(%b)\n    block0():\n"
            "      %y : int = aten::neg(%x)\n      -> (%y)\n  return (%y)\n"), "line 7: undefined value %y"),
    (_graph("  %b : bool = prim::C[value=True]()\n  %r : int = prim::If(%b)\n    block0():\n      -> (%r)\n"
            "  return (%r)\n"), "line 5: undefined value %r"),
    (_graph("  %b : bool = prim::C[value=True]()\n  prim::If(%b)\n    block0():\n  return (%x)\n"),
     "line 5: expected indentation 6, got 2"),
    (_graph("  return (%x)\n  return (%x)\n"), "line 3: unexpected text after return"),
    (_graph("  return (%x)  # src\n"), "line 2: a comment may only end a node line"),
    (_graph("# hello\n  return (%x)\n"), "line 2: a comment may only end a node line"),
    (_graph("  %a : int = prim::C[value=abc]()\n  return (%a)\n"), "line 2: expected a literal, got 'abc'"),
    (_graph("  %a : int = prim::C[value=(1)]()\n  return (%a)\n"), "1-tuple needs a trailing comma"),
    (_graph("  %a : int = prim::C[value=[1,]]()\n  return (%a)\n"), "misplaced trailing comma"),
    (_graph("  %a : int = prim::C[v=1, v=2]()\n  return (%a)\n"), "line 2: attribute 'v' given twice"),
    (_graph('  %a : int = prim::C[value="abc]()\n  return (%a)\n'), "line 2: unexpected character '\"'"),
    (_graph('  %a : int = prim::C[value="\\q"]()\n  return (%a)\n'), "line 2: bad string literal"),
    (_graph("  %a : Tensor = prim::Constant[value=<Tensor>]()\n  return (%a)\n"), "tensor constants cannot be parsed"),
    (_graph("  %a : int = prim::C[value=1" + "0" * 5000 + "]()\n  return (%a)\n"), "line 2: bad number"),
    (_graph("  %a : int = add(%x)\n  return (%a)\n"), "line 2: expected an op kind like aten::add, got 'add'"),
    (_graph("  %a : int aten::add(%x)\n  return (%a)\n"), "line 2: expected '='"),
    (_graph("  return (%x) %x\n"), "line 2: unexpected '%x'"),
])
def test_errors(text, message):
    with pytest.raises(IRParseError) as info:
        parse_ir(text)
    assert message in str(info.value)


def test_deep_nesting_is_an_error_not_a_crash():
    deep = MAX_DEPTH + 10
    for params in ["%x : " + "(" * 5000 + ")" * 5000, "%x : " + "(" * deep + "int" + ")" * deep,
                   "%x : int" + "[]" * deep]:
        with pytest.raises(IRParseError, match="nested too deeply"):
            parse_ir(_graph("  return (%x)\n", params))
    literal = "[" * deep + "]" * deep
    with pytest.raises(IRParseError, match="nested too deeply"):
        parse_ir(_graph(f"  prim::C[value={literal}]()\n  return ()\n"))


def _nested_ifs(levels: int) -> Graph:
    g = Graph()
    c = g.add_input(BOOL, "c")
    block = g.block
    for _ in range(levels):
        with g.inserting_at_end(block):
            node = g.insert("prim::If", [c], [])
        block = node.add_block()
    g.block.add_return(c)
    return g


def test_block_nesting_limit():
    ok = print_graph(_nested_ifs(MAX_DEPTH))
    assert print_graph(parse_ir(ok)) == ok
    with pytest.raises(IRParseError, match="blocks nested too deeply"):
        parse_ir(print_graph(_nested_ifs(MAX_DEPTH + 2)))


def test_every_prefix_parses_only_when_complete():
    text = print_graph(build_graph())
    for i in range(len(text)):
        try:
            g = parse_ir(text[:i])
        except IRParseError:
            continue
        assert i == len(text) - 1 and print_graph(g) == text  # only the final newline may be missing


def test_random_mutations_only_raise_parse_errors():
    rng = random.Random(1234)
    data = print_graph(build_graph()).encode()
    alphabet = b"%()[],:=-># \n\"\\.0123456789abcTF" + bytes(range(256))
    parsed = 0
    for _ in range(2500):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            at, op = rng.randrange(len(buf)), rng.randrange(4)
            if op == 0:
                buf[at] = rng.choice(alphabet)
            elif op == 1:
                del buf[at]
            elif op == 2:
                buf.insert(at, rng.choice(alphabet))
            else:
                end = min(len(buf), at + rng.randint(1, 40))
                buf[at:at] = buf[at:end]
        try:
            g = parse_ir(buf.decode("utf-8", errors="replace"))
        except IRParseError:
            continue
        parsed += 1
        text = print_graph(g)  # whatever parses must itself print and reparse identically
        assert print_graph(parse_ir(text)) == text
    assert parsed > 0


def test_pathological_inputs_are_fast():
    start = time.perf_counter()
    for text in ['graph(%x : int):\n  prim::C[v="' + "a" * 200_000, "graph(" + "1" * 200_000 + "x",
                 "graph():\n" + "  prim::C()\n" * 20_000 + "  return ()\n"]:
        try:
            parse_ir(text)
        except IRParseError:
            pass
    assert time.perf_counter() - start < 5
