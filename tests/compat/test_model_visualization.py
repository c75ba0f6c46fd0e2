"""ember.utils.model_to_dot draws the boxes and arrows Keras' draws.

Keras' `model_to_dot` needs pydot, which is not installed: the test gives
Keras' module a small stand-in that records the nodes and edges Keras
makes, and compares their label texts and connections with ember's.
"""

import html
import re
import types
import warnings

import keras
import numpy as np
import pytest
from keras.src.utils import model_visualization as keras_visualization

import ember

pytestmark = pytest.mark.compat


class _FakeGraph:
    def __init__(self, *args, **attributes):
        self.attributes = dict(attributes)
        self.nodes, self.edges, self.subgraphs = [], [], []

    def set(self, name, value):
        self.attributes[name] = value

    def set_node_defaults(self, **attributes):
        pass

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def get_edge(self, source, destination):
        ends = (source, destination)
        return [e for e in self.edges if (e.source, e.destination) == ends]

    def add_subgraph(self, subgraph):
        self.subgraphs.append(subgraph)


class _FakeNode:
    def __init__(self, name, label=None, **attributes):
        self.name, self.label = name, label

    def set(self, name, value):
        pass


class _FakeEdge:
    def __init__(self, source, destination, **attributes):
        self.source, self.destination = source, destination

    def set(self, name, value):
        pass


_FAKE_PYDOT = types.SimpleNamespace(
    Dot=_FakeGraph,
    Cluster=_FakeGraph,
    Node=_FakeNode,
    Edge=_FakeEdge,
    PydotException=RuntimeError,
)


@pytest.fixture
def keras_to_dot(monkeypatch):
    if not hasattr(keras_visualization, "pydot"):
        pytest.skip("Keras no longer imports pydot at module level")
    monkeypatch.setattr(keras_visualization, "pydot", _FAKE_PYDOT)
    return keras.utils.model_to_dot


def _text(label) -> str:
    label = str(label)
    if label.startswith("<<"):  # pydot's way of marking an HTML label.
        label = label[1:-1]
    return html.unescape(re.sub(r"<[^>]*>", "", label))


def _picture(graph, nodes_of, edges_of, name_of, label_of, ends_of, subs_of):
    """(sorted label texts, sorted (source text, destination text)) of a
    graph and its clusters."""
    labels, edges = {}, []

    def walk(g):
        for node in nodes_of(g):
            labels[name_of(node)] = _text(label_of(node))
        edges.extend(ends_of(e) for e in edges_of(g))
        for sub in subs_of(g):
            walk(sub)

    walk(graph)
    arrows = sorted((labels[s], labels[d]) for s, d in edges)
    return sorted(labels.values()), arrows


def _ember_picture(dot):
    return _picture(
        dot,
        lambda g: g.get_nodes(),
        lambda g: g.get_edges(),
        lambda n: n.get_name(),
        lambda n: n.get("label"),
        lambda e: (e.get_source(), e.get_destination()),
        lambda g: g.get_subgraphs(),
    )


def _keras_picture(dot):
    return _picture(
        dot,
        lambda g: g.nodes,
        lambda g: g.edges,
        lambda n: n.name,
        lambda n: n.label,
        lambda e: (e.source, e.destination),
        lambda g: g.subgraphs,
    )


def _cnn(lib):
    nn = lib.layers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns about input_shape=.
        return lib.Sequential(
            [
                nn.Conv2D(
                    32,
                    (3, 3),
                    activation="relu",
                    input_shape=(28, 28, 1),
                    name="conv",
                ),
                nn.MaxPooling2D((2, 2), name="pool"),
                nn.Flatten(name="flatten"),
                nn.Dense(128, activation="relu", name="hidden"),
                nn.Dense(10, activation="softmax", name="probs"),
            ],
            name="cnn",
        )


def _branched(lib):
    nn = lib.layers
    left = lib.Input((8,), name="left")
    right = lib.Input((8,), name="right")
    shared = nn.Dense(4, activation="relu", name="shared")
    x, y = shared(left), shared(right)
    merged = nn.Concatenate(name="concat")([x, y])
    score = nn.Dense(1, name="score")(x + y)
    label = nn.Dense(3, activation="softmax", name="label")(merged)
    frozen = nn.Dense(2, name="frozen", trainable=False)(merged)
    return lib.Model([left, right], [score, label, frozen], name="branched")


def _nested(lib):
    nn = lib.layers
    inner_in = lib.Input((6,), name="inner_in")
    inner_out = nn.Dense(3, name="inner_out")(
        nn.Dense(5, name="inner_hidden")(inner_in)
    )
    inner = lib.Model(inner_in, inner_out, name="inner")
    stack = lib.Sequential(
        [nn.Dense(4, name="stack_a"), nn.Dense(2, name="stack_b")],
        name="stack",
    )
    outer_in = lib.Input((6,), name="outer_in")
    outputs = nn.Dense(1, name="head")(stack(inner(outer_in)))
    return lib.Model(outer_in, outputs, name="outer")


def _stacked(lib):
    nn = lib.layers
    func_in = lib.Input((3,), name="func_in")
    func = lib.Model(func_in, nn.Dense(2, name="func_out")(func_in), name="f")
    inner = lib.Sequential(
        [nn.Dense(4, name="inner_a"), nn.Dense(3, name="inner_b")],
        name="inner_stack",
    )
    return lib.Sequential(
        [lib.Input((5,), name="top"), inner, func, nn.Dense(1, name="last")],
        name="stacked",
    )


def _subclassed(lib):
    class Tiny(lib.Model):
        def __init__(self):
            super().__init__(name="tiny")
            self.dense = lib.layers.Dense(2, name="dense")

        def call(self, x):
            return self.dense(x)

    model = Tiny()
    model(np.zeros((1, 3), "float32"))
    return model


ALL_LABELS = {
    "show_shapes": True,
    "show_dtype": True,
    "show_layer_activations": True,
    "show_trainable": True,
}


@pytest.mark.parametrize(
    ("build", "options"),
    [
        (_cnn, {}),
        (_cnn, ALL_LABELS),
        (_branched, {"show_layer_names": False, **ALL_LABELS}),
        (_nested, ALL_LABELS),
        (_nested, {"expand_nested": True, **ALL_LABELS}),
        (_stacked, ALL_LABELS),
        (_stacked, {"expand_nested": True, **ALL_LABELS}),
        (_subclassed, ALL_LABELS),
    ],
    ids=[
        "cnn",
        "cnn-labels",
        "branched",
        "nested",
        "expanded",
        "stacked",
        "stacked-expanded",
        "subclassed",
    ],
)
def test_same_boxes_and_arrows_as_keras(keras_to_dot, build, options):
    ours = _ember_picture(ember.utils.model_to_dot(build(ember), **options))
    theirs = _keras_picture(keras_to_dot(build(keras), **options))
    assert ours == theirs
