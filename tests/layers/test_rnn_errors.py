"""Recurrent layers refuse bad inputs with a ValueError naming the layer,
the expected and the received shapes, before any weight exists: a rank-2
input, an `initial_state` of the wrong count or shape, a stateful layer
without a fixed batch size, a cell without `state_size`."""

import re

import numpy as np
import pytest

import ember
from ember import layers

X = np.ones((2, 3, 4), "float32")


def _recurrent(kind: str, **kwargs):
    if kind == "RNN":
        return layers.RNN(layers.LSTMCell(2), name="rec", **kwargs)
    return getattr(layers, kind)(2, name="rec", **kwargs)


KINDS = ["SimpleRNN", "LSTM", "GRU", "RNN"]


@pytest.mark.parametrize("kind", KINDS)
def test_symbolic_rank_2_input(kind):
    layer = _recurrent(kind)
    with pytest.raises(
        ValueError,
        match=rf'{kind} "rec" expected an input of rank 3.*\(None, 5\)',
    ):
        layer(ember.Input((5,)))
    assert layer.weights == []
    assert not layer.built


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_eager_rank_2_input(kind):
    layer = _recurrent(kind)
    with pytest.raises(ValueError, match=rf'{kind} "rec".*rank 3.*\(2, 4\)'):
        layer(np.ones((2, 4), "float32"))
    assert layer.weights == []


@pytest.mark.parametrize(
    "kind, states, expected, received",
    [
        # GRU and SimpleRNN have one state, LSTM two.
        ("GRU", 2 * [(2, 2)], "1 initial state(s) of shapes [(2, 2)]", "2"),
        ("SimpleRNN", [], "1 initial state(s) of shapes [(2, 2)]", "0"),
        (
            "LSTM",
            [(2, 2), (2, 2), (2, 2)],
            "2 initial state(s) of shapes [(2, 2), (2, 2)]",
            "3",
        ),
        # the wrong units, the wrong batch, the wrong rank
        ("LSTM", [(2, 3), (2, 2)], "[(2, 2), (2, 2)]", "2 of shapes [(2, 3)"),
        ("GRU", [(5, 2)], "[(2, 2)]", "1 of shapes [(5, 2)]"),
        ("RNN", 2 * [(2, 1, 2)], "[(2, 2), (2, 2)]", "2 of shapes [(2, 1, 2)"),
    ],
)
def test_initial_state_of_the_wrong_count_or_shape(
    kind, states, expected, received
):
    layer = _recurrent(kind)
    initial_state = [np.zeros(s, "float32") for s in states]
    pattern = (
        rf'{kind} "rec" expected .*{re.escape(expected)}, '
        rf"got {re.escape(received)}"
    )
    with pytest.raises(ValueError, match=pattern):
        layer(X, initial_state=initial_state)
    assert layer.weights == []


def test_symbolic_initial_state_of_the_wrong_shape():
    layer = layers.GRU(2, name="gru_in_model")
    with pytest.raises(
        ValueError,
        match=re.escape(
            'GRU "gru_in_model" expected 1 initial state(s) of shapes '
            "[(None, 2)], got 1 of shapes [(None, 3)]"
        ),
    ):
        layer(ember.Input((3, 4)), initial_state=ember.Input((3,)))
    assert layer.weights == []


def test_stacked_cells_expect_every_cells_states():
    layer = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], name="stack")
    with pytest.raises(
        ValueError,
        match=re.escape(
            'RNN "stack" expected 3 initial state(s) of shapes '
            "[(2, 2), (2, 2), (2, 3)], got 1 of shapes [(2, 2)]"
        ),
    ):
        layer(X, initial_state=[np.zeros((2, 2), "float32")])
    assert layer.weights == []


@pytest.mark.parametrize("kind", KINDS)
def test_stateful_without_a_fixed_batch_size(kind):
    layer = _recurrent(kind, stateful=True)
    with pytest.raises(
        ValueError,
        match=rf'{kind} "rec": with `stateful=True` the batch size must be '
        r"fixed.*`batch_size`.*Received: sequences of shape \(None, 3, 1\)",
    ):
        layer(ember.Input((3, 1)))
    assert layer.weights == []
    assert layer.states is None


def test_stateful_with_a_fixed_batch_size_builds():
    layer = _recurrent("LSTM", stateful=True)
    assert layer(ember.Input((3, 1), batch_size=2)).shape == (2, 2)
    assert [v.shape for v in layer.states] == [(2, 2), (2, 2)]


class _NoStateSize(layers.Layer):
    def call(self, inputs, states):
        return inputs, states


def test_cell_without_state_size():
    cell = _NoStateSize(name="bare")
    with pytest.raises(
        ValueError,
        match=r'RNN "no_size": the RNN cell should have a `state_size` '
        r"attribute \(an integer, or a list of integers, one per state\)\. "
        r"Received: cell=<_NoStateSize name=bare.*state_size=None",
    ):
        layers.RNN(cell, name="no_size")
    assert cell.weights == []


def test_cell_with_a_state_size_of_the_wrong_type():
    cell = _NoStateSize()
    cell.state_size = "3"
    with pytest.raises(
        ValueError,
        match=r'RNN "bad_size".*integer or a list/tuple of integers\. '
        r"Received: state_size='3'",
    ):
        layers.RNN(cell, name="bad_size")


def test_cell_with_a_state_size_holding_none():
    cell = _NoStateSize()
    cell.state_size = [2, None]
    with pytest.raises(
        ValueError,
        match=r'RNN "half_size".*integer or a list/tuple of integers\. '
        r"Received: state_size=\[2, None\]",
    ):
        layers.RNN(cell, name="half_size")
