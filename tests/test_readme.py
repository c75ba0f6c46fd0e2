"""The README's tour runs as written."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_tour_runs(tmp_path, monkeypatch):
    text = README.read_text()
    code = re.search(r"## A short tour\n\n```python\n(.*?)```", text, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)  # The tour saves files.
    exec(compile(code.group(1), "README tour", "exec"), {})
