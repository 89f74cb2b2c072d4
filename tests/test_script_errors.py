"""jitc.script's errors: every construct outside the supported subset raises jitc.ScriptError with the file, line,
column, the source line and a caret under the construct (samples in script_samples.py, marked `# ERR:<name>`)."""
import pytest
import script_samples as S

import jitc

with open(S.__file__) as _f:
    SAMPLE_LINES = _f.read().splitlines()


def line_of(marker: str) -> int:
    return next(number for number, text in enumerate(SAMPLE_LINES, 1) if f"# {marker}" in text)


ERRORS = [
    ("with", S.err_with, "'with' statements are not supported", "with"),
    ("try", S.err_try, "'try' statements are not supported", "try"),
    ("lambda", S.err_lambda, "lambda expressions are not supported", "lambda"),
    ("listcomp", S.err_listcomp, "a comprehension over an array's rows (use a for loop) is not supported", "x[0]"),
    ("dictcomp", S.err_dictcomp, "dict comprehensions are not supported", "{i: x for i in range(3)}"),
    ("genexp", S.err_genexp, "a comprehension's condition must be known at compile time", "x[0] > 0"),
    ("global", S.err_global, "'global' declarations are not supported", "global"),
    ("nonlocal", S.make_nonlocal(), "'nonlocal' declarations are not supported", "nonlocal"),
    ("yield", S.err_yield, "'yield' is not supported", "yield"),
    ("varargs", S.err_varargs, "*args parameters are not supported", "rest"),
    ("kwargs", S.err_kwargs, "**kwargs parameters are not supported", "options"),
    ("del", S.err_del, "'del' is not supported", "del"),
    ("class", S.err_class, "class definitions are not supported", "class"),
    ("import", S.err_import, "'import' is not supported", "import"),
    ("fft", S.err_fft, "np.fft.fft is not supported in scripted code (supported NumPy functions: ", "np.fft.fft(x)"),
    ("eig", S.err_eig, "np.linalg.eig is not supported", "np.linalg.eig(x)"),
    ("unknown", S.err_unknown, "name 'undefined_thing' is not defined", "undefined_thing"),
    ("keyword", S.err_keyword, "max() got unsupported keyword argument 'initial'; supported: a, axis, keepdims",
     "x.max(initial=0.0)"),
    ("assert", S.err_assert, "'assert' is not supported", "assert"),
    ("subscript_assign", S.err_subscript_assign, "writing through a view made by reshape is not supported",
     "x.reshape(-1)[0] = 1"),
    ("break_unrolled", S.err_break_unrolled, "'break' is not supported in a for loop over a tuple", "break"),
    ("int_float", S.err_int_float, "'y' is an int in the true branch but a float in the false branch", "if"),
    ("one_branch", S.err_one_branch, "'y' is not defined in the false branch of the if at line", "y"),
    ("loop_type", S.err_loop_type, "'k' is an int before the loop but a float after an iteration", "for"),
    ("loop_local", S.err_loop_local, "'z' is assigned only inside the loop at line", "z"),
    ("missing_return", S.err_missing_return, "not every path through err_missing_return() returns", "def"),
]


@pytest.mark.parametrize("marker,fn,message,construct", ERRORS, ids=[e[0] for e in ERRORS])
def test_unsupported_code_raises_script_error(marker, fn, message, construct):
    with pytest.raises(jitc.ScriptError) as info:
        jitc.script(fn)
    text = str(info.value)
    first, where, source, caret = text.split("\n")
    assert message in first
    line = line_of(f"ERR:{marker}")
    assert where.startswith(f'  File "{S.__file__}", line {line}, col ')
    assert source == SAMPLE_LINES[line - 1]
    col = caret.index("^")
    assert caret == " " * col + "^" * len(construct)
    assert source[col:col + len(construct)] == construct
    assert f", col {col}, in " in where


def test_error_message_says_what_is_supported_instead():
    with pytest.raises(jitc.ScriptError, match=r"use plain statements; scripting supports assignments, if/elif/else, "
                                               r"for-range, while, break/continue, return"):
        jitc.script(S.err_with)


def test_lambda_and_non_callables_are_rejected():
    with pytest.raises(jitc.ScriptError, match="lambdas are not supported"):
        jitc.script(lambda x: x)
    with pytest.raises(jitc.ScriptError, match="expects a function, a model object or a bound method"):
        jitc.script(3)
