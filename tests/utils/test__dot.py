import os
import xml.etree.ElementTree as ET

import pytest

from ember.utils import _dot

needs_renderer = pytest.mark.skipif(
    _dot.system_dot() is None and _dot.graphviz_pure() is None,
    reason="no Graphviz renderer (the plot extra brings graphviz-pure)",
)


def _graph() -> _dot.Dot:
    dot = _dot.Dot(rankdir="LR", concentrate=True)
    dot.set_node_defaults(shape="plain")
    dot.add_node(_dot.Node("a", label="A"))
    dot.add_node(_dot.Node("b", label=_dot.Html("<b>B</b>")))
    cluster = _dot.Dot("inner", cluster=True, style="dashed")
    cluster.add_node(_dot.Node("c"))
    dot.add_subgraph(cluster)
    dot.add_edge(_dot.Edge("a", "b", penwidth="2"))
    dot.add_edge(_dot.Edge("b", "c"))
    return dot


def test_quote_escapes_what_would_end_the_string():
    assert _dot.quote('say "hi"') == '"say \\"hi\\""'
    assert _dot.quote("back\\slash\\") == '"back\\\\slash\\\\"'
    assert _dot.quote("two\nlines") == '"two\\nlines"'
    assert _dot.quote(200) == '"200"'
    assert _dot.quote(True) == '"true"'
    assert _dot.quote(_dot.Html("<b>x</b>")) == "<<b>x</b>>"


def test_to_string():
    assert _graph().to_string() == (
        'digraph "G" {\n'
        '  rankdir="LR";\n'
        '  concentrate="true";\n'
        '  node [shape="plain"];\n'
        '  "a" [label="A"];\n'
        '  "b" [label=<<b>B</b>>];\n'
        '  subgraph "cluster_inner" {\n'
        '    style="dashed";\n'
        '    "c";\n'
        "  }\n"
        '  "a" -> "b" [penwidth="2"];\n'
        '  "b" -> "c";\n'
        "}\n"
    )


def test_pydot_like_getters():
    dot = _graph()
    assert [n.get_name() for n in dot.get_nodes()] == ["a", "b"]
    assert dot.get_node("a")[0].get("label") == "A"
    assert dot.get_node("z") == []
    assert [(e.get_source(), e.get_destination()) for e in dot.get_edges()] == [
        ("a", "b"),
        ("b", "c"),
    ]
    assert dot.get_edge("a", "b")[0].get("penwidth") == "2"
    assert dot.get_edge("b", "a") == []
    assert dot.get("rankdir") == "LR"
    assert [s.get_name() for s in dot.get_subgraphs()] == ["cluster_inner"]


def test_dot_text_needs_no_renderer(monkeypatch, tmp_path):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: None)
    dot = _graph()
    assert dot.create(format="dot") == dot.to_string().encode()
    path = tmp_path / "g.gv"
    dot.write(path)
    assert path.read_text() == dot.to_string()


def test_cluster_alone_renders_inside_a_digraph():
    cluster = _dot.Dot("solo", cluster=True)
    cluster.add_node(_dot.Node("x"))
    text = cluster.create(format="dot").decode()
    assert text.startswith('digraph "G" {\n  subgraph "cluster_solo" {')


def test_prefers_system_dot(monkeypatch):
    monkeypatch.setattr(_dot, "system_dot", lambda: "/opt/graphviz/dot")
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: "/venv/graphviz-pure")
    assert _dot.find_renderer("pdf") == "/opt/graphviz/dot"
    assert _dot.available_formats() is None


def test_pdf_without_system_dot(monkeypatch):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: "/venv/graphviz-pure")
    assert _dot.find_renderer("svg") == "/venv/graphviz-pure"
    with pytest.raises(ValueError, match=r'"pdf".*png, svg.*system Graphviz'):
        _dot.find_renderer("pdf")
    assert _dot.available_formats() == ("png", "svg", "jpg", "jpeg", "dot")


def test_no_renderer(monkeypatch):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: None)
    with pytest.raises(ImportError, match=r'pip install "ember\[plot\]"'):
        _dot.find_renderer("png")
    with pytest.raises(ImportError, match=r'pip install "ember\[plot\]"'):
        _graph().create(format="png")


def test_graphviz_pure_found_beside_python(monkeypatch, tmp_path):
    program = tmp_path / "graphviz-pure"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setattr(_dot.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", "")
    assert _dot.graphviz_pure() == str(program)
    program.unlink()
    assert _dot.graphviz_pure() is None


def test_unknown_program():
    with pytest.raises(ImportError, match='"no-such-dot" was not found'):
        _graph().create(prog="no-such-dot")


@needs_renderer
def test_png():
    data = _graph().create(format="png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


@needs_renderer
def test_names_with_special_characters_render(tmp_path):
    name = 'we"ird\\ <name> & co'
    dot = _dot.Dot()
    dot.add_node(_dot.Node(name, label=name))
    dot.add_node(_dot.Node("html", label=_dot.Html("a &lt;&amp;&gt; b")))
    dot.add_edge(_dot.Edge(name, "html"))
    path = tmp_path / "g.svg"
    dot.write(path, format="svg")
    root = ET.parse(path).getroot()
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    assert {name, "a <&> b"} <= texts


@needs_renderer
def test_failed_render_keeps_the_old_file(tmp_path):
    path = tmp_path / "g.png"
    path.write_bytes(b"old")
    program = _dot.find_renderer("png")
    with pytest.raises(RuntimeError, match=r"could not render.*exit status"):
        _dot.render("digraph {", program, "png")
    broken = _dot.Dot()
    broken.add_node(_dot.Node("a", label=_dot.Html("<b>unclosed")))
    with pytest.raises(RuntimeError, match="could not render"):
        broken.write(path, format="png")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["g.png"]
