import os
import sys
import types
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import ember
from ember import layers
from ember.utils import _dot
from ember.utils import model_to_dot
from ember.utils import plot_model

needs_renderer = pytest.mark.skipif(
    _dot.system_dot() is None and _dot.graphviz_pure() is None,
    reason="no Graphviz renderer (the plot extra brings graphviz-pure)",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _cnn():
    return ember.Sequential(
        [
            layers.Conv2D(
                32, (3, 3), activation="relu", input_shape=(28, 28, 1)
            ),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _branched():
    left = ember.Input((8,), name="left")
    right = ember.Input((8,), name="right")
    shared = layers.Dense(4, activation="relu", name="shared")
    x, y = shared(left), shared(right)
    total = x + y
    merged = layers.Concatenate(name="concat")([x, y])
    score = layers.Dense(1, name="score")(total)
    label = layers.Dense(3, name="label")(merged)
    return ember.Model([left, right], [score, label], name="branched")


def _nested():
    inner_in = ember.Input((6,), name="inner_in")
    hidden = layers.Dense(5, name="inner_hidden")(inner_in)
    inner = ember.Model(
        inner_in, layers.Dense(3, name="inner_out")(hidden), name="inner"
    )
    stack = ember.Sequential(
        [layers.Dense(4, name="stack_a"), layers.Dense(2, name="stack_b")],
        name="stack",
    )
    outer_in = ember.Input((6,), name="outer_in")
    outputs = layers.Dense(1, name="head")(stack(inner(outer_in)))
    return ember.Model(outer_in, outputs, name="outer")


def _labels(dot) -> dict:
    """Node id -> label of every node, clusters included."""
    found = {n.get_name(): str(n.get("label")) for n in dot.get_nodes()}
    for cluster in dot.get_subgraphs():
        found.update(_labels(cluster))
    return found


def _edges(dot) -> list:
    found = [(e.get_source(), e.get_destination()) for e in dot.get_edges()]
    for cluster in dot.get_subgraphs():
        found += _edges(cluster)
    return found


def _by_name(dot, layer_names: dict) -> set:
    """The edges as (source name, destination name)."""
    ids = {str(id(op)): name for name, op in layer_names.items()}
    return {(ids[s], ids[d]) for s, d in _edges(dot)}


def _ops(model) -> dict:
    return {op.name: op for op in model._operations}


def test_sequential_boxes_and_chain():
    model = _cnn()
    dot = model_to_dot(model)
    names = [n.get_name() for n in dot.get_nodes()]
    assert names == [str(id(layer)) for layer in model.layers]
    assert _edges(dot) == [
        (str(id(a)), str(id(b)))
        for a, b in zip(model.layers, model.layers[1:], strict=False)
    ]
    first = dot.get_nodes()[0].get("label")
    assert f"<b>{model.layers[0].name}</b> (Conv2D)" in first
    assert "Input shape" not in first


def test_sequential_shapes_activations():
    model = _cnn()
    dot = model_to_dot(model, show_shapes=True, show_layer_activations=True)
    conv, pool, flatten, hidden, probs = (
        str(n.get("label")) for n in dot.get_nodes()
    )
    assert "Input shape: <b>(None, 28, 28, 1)</b>" in conv
    assert "Output shape: <b>(None, 26, 26, 32)</b>" in conv
    assert "Activation: <b>relu</b>" in conv
    assert "Output shape: <b>(None, 13, 13, 32)</b>" in pool
    assert "Activation" not in pool
    assert "Output shape: <b>(None, 5408)</b>" in flatten
    assert "Input shape: <b>(None, 5408)</b>" in hidden
    assert "Activation: <b>softmax</b>" in probs
    assert "Output shape: <b>(None, 10)</b>" in probs


def test_dtype_and_trainable():
    inputs = ember.Input((3,), name="x")
    frozen = layers.Dense(2, name="frozen", trainable=False)
    outputs = layers.Dense(1, name="out")(layers.Flatten()(frozen(inputs)))
    model = ember.Model(inputs, outputs)
    labels = _labels(model_to_dot(model, show_dtype=True, show_trainable=True))
    by_layer = {op.name: labels[str(id(op))] for op in model._operations}
    assert "Output dtype: <b>float32</b>" in by_layer["x"]
    assert "Non-trainable" in by_layer["frozen"]
    assert ">Trainable<" in by_layer["out"]
    flatten = next(v for k, v in by_layer.items() if k.startswith("flatten"))
    assert "rainable" not in flatten  # no weights, no marker
    assert "Activation: <b>linear</b>" in str(
        model_to_dot(model, show_layer_activations=True).to_string()
    )


def test_functional_shared_layer_drawn_once_with_both_inputs():
    model = _branched()
    dot = model_to_dot(model, show_shapes=True)
    ops = _ops(model)
    labels = _labels(dot)
    assert len(labels) == len(ops) == 7
    shared = str(id(ops["shared"]))
    assert list(labels).count(shared) == 1
    assert _by_name(dot, ops) == {
        ("left", "shared"),
        ("right", "shared"),
        ("shared", "add"),
        ("shared", "concat"),
        ("add", "score"),
        ("concat", "label"),
    }
    # Keras shows a shared layer's first call.
    assert "Input shape: <b>(None, 8)</b>" in labels[shared]
    add = labels[str(id(ops["add"]))]
    assert "<b>add</b> (Add)" in add
    assert "Input shape: <b>[(None, 4), (None, 4)]</b>" in add
    left = labels[str(id(ops["left"]))]
    assert "Output shape: <b>(None, 8)</b>" in left
    assert "Input shape" not in left


def test_shared_layer_calls_from_another_model_are_not_drawn():
    model = _branched()
    other_input = ember.Input((8,), name="elsewhere")
    _ops(model)["shared"](other_input)
    ops = _ops(model)
    assert ("elsewhere", "shared") not in {
        (s, d) for s, d in _by_name(model_to_dot(model), ops)
    }


def test_nested_model_is_one_box():
    model = _nested()
    dot = model_to_dot(model, show_shapes=True)
    ops = _ops(model)
    assert dot.get_subgraphs() == []
    assert _by_name(dot, ops) == {
        ("outer_in", "inner"),
        ("inner", "stack"),
        ("stack", "head"),
    }
    labels = _labels(dot)
    assert "<b>inner</b> (Functional)" in labels[str(id(ops["inner"]))]
    stack = labels[str(id(ops["stack"]))]
    assert "<b>stack</b> (Sequential)" in stack
    assert "Input shape: <b>(None, 3)</b>" in stack


def test_expand_nested_draws_clusters_and_connects_through():
    model = _nested()
    dot = model_to_dot(model, expand_nested=True)
    inner, stack = _ops(model)["inner"], _ops(model)["stack"]
    clusters = {c.get_name(): c for c in dot.get_subgraphs()}
    assert set(clusters) == {"cluster_inner", "cluster_stack"}
    assert clusters["cluster_inner"].get("label") == "inner"
    assert clusters["cluster_inner"].get("style") == "dashed"
    every = {
        **_ops(model),
        **_ops(inner),
        **{layer.name: layer for layer in stack.layers},
    }
    assert str(id(inner)) not in _labels(dot)
    assert len(_labels(clusters["cluster_stack"])) == 2  # no input box
    assert _by_name(dot, every) == {
        ("outer_in", "inner_in"),
        ("inner_in", "inner_hidden"),
        ("inner_hidden", "inner_out"),
        ("inner_out", "stack_a"),
        ("stack_a", "stack_b"),
        ("stack_b", "head"),
    }
    text = dot.to_string()
    assert 'subgraph "cluster_inner" {' in text


def test_expand_nested_two_levels_deep():
    core_in = ember.Input((4,), name="core_in")
    core = ember.Model(core_in, layers.Dense(3, name="core_out")(core_in))
    mid_in = ember.Input((4,), name="mid_in")
    mid = ember.Model(mid_in, core(mid_in), name="mid")
    top_in = ember.Input((4,), name="top_in")
    top = ember.Model(top_in, layers.Dense(1, name="top_out")(mid(top_in)))
    dot = model_to_dot(top, expand_nested=True)
    every = {**_ops(top), **_ops(mid), **_ops(core)}
    assert _by_name(dot, every) == {
        ("top_in", "mid_in"),
        ("mid_in", "core_in"),
        ("core_in", "core_out"),
        ("core_out", "top_out"),
    }
    (mid_cluster,) = dot.get_subgraphs()
    assert [c.get_name() for c in mid_cluster.get_subgraphs()] == [
        f"cluster_{core.name}"
    ]


def test_subclassed_model_is_one_box():
    class Tiny(ember.Model):
        def __init__(self):
            super().__init__(name="tiny")
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Tiny()
    with pytest.raises(ValueError, match='"tiny" has not yet been built'):
        model_to_dot(model)
    model(np.zeros((1, 3), "float32"))
    dot = model_to_dot(model, show_shapes=True)
    (node,) = dot.get_nodes()
    assert node.get_name() == str(id(model))
    assert "<b>tiny</b> (Tiny)" in node.get("label")
    assert "Output shape: <b>?</b>" in node.get("label")
    assert dot.get_edges() == []


def test_unbuilt_sequential():
    with pytest.raises(ValueError, match="has not yet been built"):
        model_to_dot(ember.Sequential([layers.Dense(2)]))


def test_graph_attributes():
    dot = model_to_dot(_cnn(), rankdir="LR", dpi=96)
    text = dot.to_string()
    assert 'rankdir="LR";' in text
    assert 'dpi="96";' in text
    assert 'splines="ortho";' in text
    assert dot.get("dpi") == 96
    assert 'rankdir="TB";' in model_to_dot(_cnn()).to_string()
    cluster = model_to_dot(_cnn(), subgraph=True)
    assert cluster.get("rankdir") is None
    assert cluster.to_string().startswith('subgraph "cluster_')


def test_bad_arguments():
    model = _cnn()
    with pytest.raises(ValueError, match=r"rankdir.*Received: rankdir='UP'"):
        model_to_dot(model, rankdir="UP")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        model_to_dot(model, show_colors=True)
    with pytest.raises(ValueError, match="layer_range"):
        plot_model(model, layer_range=["a", "b"])


def test_special_characters_in_names_are_escaped():
    inputs = ember.Input((2,), name='in "1"')
    outputs = layers.Dense(1, name="a<b>&c")(inputs)
    dot = model_to_dot(ember.Model(inputs, outputs))
    text = dot.to_string()
    assert "<b>a&lt;b&gt;&amp;c</b> (Dense)" in text
    assert "<b>in &quot;1&quot;</b> (InputLayer)" in text


@needs_renderer
def test_special_characters_render(tmp_path):
    inputs = ember.Input((2,), name='in "1"')
    hidden = layers.Dense(1, name="a<b>&c")(inputs)
    outputs = layers.Dense(1, name="it's café")(hidden)
    path = tmp_path / "m.svg"
    plot_model(ember.Model(inputs, outputs), path, show_layer_names=True)
    text = "".join(ET.parse(path).getroot().itertext())
    assert "a<b>&c" in text
    assert 'in "1"' in text
    assert "it's café" in text


@needs_renderer
def test_png_grows_with_the_model(tmp_path):
    from matplotlib import image

    small = ember.Sequential([ember.Input((3,)), layers.Dense(2)])
    plot_model(small, tmp_path / "small.png")
    plot_model(_cnn(), tmp_path / "cnn.png", show_shapes=True)
    for name in ("small.png", "cnn.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
    small_height, small_width = image.imread(tmp_path / "small.png").shape[:2]
    height, width = image.imread(tmp_path / "cnn.png").shape[:2]
    assert small_height > 50 and small_width > 50
    assert height > 4 * small_height
    assert width > small_width  # the shape cells


@needs_renderer
def test_file_formats(tmp_path):
    model = _branched()
    plot_model(model, tmp_path / "m.svg")
    assert ET.parse(tmp_path / "m.svg").getroot().tag.endswith("svg")
    plot_model(model, tmp_path / "noext")
    assert (tmp_path / "noext").read_bytes()[:8] == PNG_SIGNATURE
    plot_model(model, str(tmp_path / "upper.PNG"))
    assert (tmp_path / "upper.PNG").read_bytes()[:8] == PNG_SIGNATURE


def test_dot_file_needs_no_renderer(monkeypatch, tmp_path):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: None)
    model = _cnn()
    assert plot_model(model, tmp_path / "m.dot", rankdir="LR") is None
    expected = model_to_dot(model, show_layer_names=False, rankdir="LR")
    assert (tmp_path / "m.dot").read_text() == expected.to_string()


def test_pdf_without_system_dot(monkeypatch, tmp_path):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: "/venv/graphviz-pure")
    with pytest.raises(ValueError, match=r"pdf.*png, svg.*system Graphviz"):
        plot_model(_cnn(), tmp_path / "m.pdf")
    assert os.listdir(tmp_path) == []


def test_missing_renderer(monkeypatch, tmp_path):
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: None)
    with pytest.raises(ImportError, match=r'pip install "ember\[plot\]"'):
        plot_model(_cnn(), tmp_path / "m.png")
    assert os.listdir(tmp_path) == []


def _fake_ipython(monkeypatch):
    class Image:
        def __init__(self, filename=None):
            self.filename = filename

    class SVG(Image):
        pass

    display = types.ModuleType("IPython.display")
    display.Image, display.SVG = Image, SVG
    package = types.ModuleType("IPython")
    package.display = display
    monkeypatch.setitem(sys.modules, "IPython", package)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    return display


@needs_renderer
def test_returns_an_ipython_image(monkeypatch, tmp_path):
    display = _fake_ipython(monkeypatch)
    path = str(tmp_path / "m.png")
    shown = plot_model(_cnn(), path)
    assert type(shown) is display.Image
    assert shown.filename == path
    shown = plot_model(_cnn(), tmp_path / "m.svg")
    assert type(shown) is display.SVG
    assert plot_model(_cnn(), tmp_path / "m.dot") is None


@needs_renderer
def test_returns_none_without_ipython(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "IPython", None)
    assert plot_model(_cnn(), tmp_path / "m.png") is None
    assert (tmp_path / "m.png").exists()
