"""Every Python snippet in README.md runs (the README stays honest)."""
import re
import runpy
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)


def test_readme_has_snippets():
    assert SNIPPETS


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(index, tmp_path, monkeypatch):
    # scripting reads source with inspect, so the snippet must live in a real file
    path = tmp_path / f"readme_snippet_{index}.py"
    path.write_text(SNIPPETS[index])
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name=f"readme_snippet_{index}")


def test_readme_lists_the_supported_numpy_api():
    """The list in "What scripting supports" is the op and decomposition tables' (regenerate it with
    `python -m jitc.ops.catalog README.md`)."""
    from jitc.ops.catalog import BEGIN, END, markdown

    text = README.read_text()
    assert text[text.index(BEGIN):text.index(END) + len(END)] == markdown()
