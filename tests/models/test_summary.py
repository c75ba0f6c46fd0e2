import numpy as np
import pytest

import ember
from ember import layers


def _founding_mlp():
    inputs = ember.Input(shape=(10,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return ember.Model(inputs=inputs, outputs=outputs)


def _branched():
    inputs = ember.Input(shape=(4,))
    a = layers.Dense(8)(inputs)
    b = layers.Dense(8)(inputs)
    outputs = layers.Dense(1)(a + b)
    return ember.Model(inputs, outputs)


def _summary(model, **kwargs):
    """The summary text, captured through `print_fn`."""
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    assert len(calls) == 1  # Keras passes the whole text in one call.
    return calls[0]


def _table(text):
    """The header and the rows of the table, cells of wrapped rows joined."""
    header, rows, current = None, [], None
    for line in text.splitlines():
        if line.startswith(("│", "┃")):
            cells = [c.strip() for c in line.strip("│┃").split(line[0])]
            if current is None:
                current = cells
            else:
                pairs = zip(current, cells, strict=True)
                current = [f"{a} {b}".strip() for a, b in pairs]
        elif line.startswith(("├", "└", "┡")) and current is not None:
            if line.startswith("┡"):
                header = current
            else:
                rows.append(current)
            current = None
    return header, rows


def _footer(text):
    return [line for line in text.splitlines() if "params:" in line]


def test_founding_mlp_rows_and_totals():
    text = _summary(_founding_mlp(), line_length=88)
    header, rows = _table(text)
    assert text.splitlines()[0] == 'Model: "functional"'
    assert header == ["Layer (type)", "Output Shape", "Param #"]
    assert rows == [
        ["input_layer (InputLayer)", "(None, 10)", "0"],
        ["dense (Dense)", "(None, 64)", "704"],
        ["dense_1 (Dense)", "(None, 64)", "4,160"],
        ["dense_2 (Dense)", "(None, 1)", "65"],
    ]
    assert _footer(text) == [
        " Total params: 4,929 (19.25 KB)",
        " Trainable params: 4,929 (19.25 KB)",
        " Non-trainable params: 0 (0.00 B)",
    ]


def test_default_layout_matches_keras_widths():
    text = _summary(_founding_mlp(), line_length=88)
    lines = text.splitlines()
    # Keras' default positions: columns end at 45%, 80%, 100% of the width
    # (these widths are what Keras prints on a console at least 88 wide).
    assert lines[1] == "┏" + "━" * 38 + "┳" + "━" * 29 + "┳" + "━" * 17 + "┓"
    assert lines[4].startswith("│ input_layer (InputLayer)")
    assert lines[4].endswith("0 │")


def test_sequential_leaves_out_the_input_layer():
    model = ember.Sequential(
        [ember.Input((10,)), layers.Dense(3), layers.Dense(2)]
    )
    header, rows = _table(_summary(model))
    assert header == ["Layer (type)", "Output Shape", "Param #"]
    assert rows == [
        ["dense (Dense)", "(None, 3)", "33"],
        ["dense_1 (Dense)", "(None, 2)", "8"],
    ]


def test_branches_add_connected_to_column():
    text = _summary(_branched(), line_length=120)
    header, rows = _table(text)
    assert header == ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    assert rows == [
        ["input_layer (InputLayer)", "(None, 4)", "0", "-"],
        ["dense (Dense)", "(None, 8)", "40", "input_layer[0][0]"],
        ["dense_1 (Dense)", "(None, 8)", "40", "input_layer[0][0]"],
        ["add (Add)", "(None, 8)", "0", "dense[0][0], dense_1[0][0]"],
        ["dense_2 (Dense)", "(None, 1)", "9", "add[0][0]"],
    ]


def test_several_inputs_and_a_shared_layer():
    a = ember.Input((4,), name="a")
    b = ember.Input((4,), name="b")
    shared = layers.Dense(2, name="shared")
    model = ember.Model([a, b], [shared(a), shared(b)])
    header, rows = _table(_summary(model, line_length=120))
    assert header[-1] == "Connected to"
    # A shared layer has one row listing every call.
    assert rows[-1] == ["shared (Dense)", "(None, 2)", "10", "a[0][0], b[0][0]"]
    assert _footer(_summary(model))[0] == " Total params: 10 (40.00 B)"


def test_show_trainable_reflects_frozen_layers():
    model = _founding_mlp()
    model.layers[1].trainable = False
    text = _summary(model, line_length=120, show_trainable=True)
    header, rows = _table(text)
    assert header[-1] == "Trainable"
    assert [row[-1] for row in rows] == ["-", "N", "Y", "Y"]
    assert _footer(text) == [
        " Total params: 4,929 (19.25 KB)",
        " Trainable params: 4,225 (16.50 KB)",
        " Non-trainable params: 704 (2.75 KB)",
    ]


def test_sizes_follow_the_weights_dtypes():
    inputs = ember.Input((10,))
    outputs = layers.Dense(100, dtype="float16")(inputs)
    footer = _footer(_summary(ember.Model(inputs, outputs)))
    assert footer[0] == " Total params: 1,100 (2.15 KB)"


def test_plain_text_without_escape_codes(capsys):
    model = _founding_mlp()
    model.summary()
    printed = capsys.readouterr().out
    assert "\x1b" not in printed
    assert "│ dense (Dense)" in printed
    assert " Total params: 4,929 (19.25 KB)" in printed
    assert "\x1b" not in _summary(model)


def test_expand_nested_indents_inner_layers():
    inner = ember.Sequential(
        [ember.Input((4,)), layers.Dense(3), layers.Dense(3)], name="inner"
    )
    model = ember.Sequential([ember.Input((4,)), inner, layers.Dense(2)])
    _, rows = _table(_summary(model, expand_nested=True))
    assert [row[0] for row in rows] == [
        "inner (Sequential)",
        "└ dense (Dense)",
        "└ dense_1 (Dense)",
        "dense_2 (Dense)",
    ]
    assert [row[2] for row in rows] == ["27", "15", "12", "8"]
    text = _summary(model, expand_nested=True)
    assert "│    └ dense (Dense)" in text
    _, rows = _table(_summary(model))
    assert [row[0] for row in rows] == ["inner (Sequential)", "dense_2 (Dense)"]


def test_layer_range_selects_rows_by_regex():
    model = _founding_mlp()
    _, rows = _table(_summary(model, layer_range=("dense", "dense_1")))
    assert [row[0] for row in rows] == ["dense (Dense)", "dense_1 (Dense)"]
    footer = _footer(_summary(model, layer_range=("dense_2", "dense_2")))
    assert footer[0] == " Total params: 4,929 (19.25 KB)"
    with pytest.raises(ValueError, match="layer_range"):
        model.summary(print_fn=print, layer_range=("nope", "dense"))
    with pytest.raises(ValueError, match="layer_range"):
        model.summary(print_fn=print, layer_range=("dense",))


def test_line_length_and_positions():
    model = _founding_mlp()
    lines = _summary(model, line_length=60, positions=[0.5, 0.75, 1.0])
    top = lines.splitlines()[1]
    assert top == "┏" + "━" * 29 + "┳" + "━" * 13 + "┳" + "━" * 14 + "┓"
    absolute = _summary(model, positions=[30, 45, 60]).splitlines()[1]
    assert absolute == top
    with pytest.raises(ValueError, match="Insufficient console width"):
        model.summary(print_fn=print, line_length=10)


class _TwoDense(ember.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(3)
        self.unused = layers.Dense(5)

    def call(self, inputs):
        return self.first(inputs)


def test_unbuilt_model_lists_its_layers_as_unbuilt_like_keras():
    text = _summary(_TwoDense(name="two_dense"))
    _, rows = _table(text)
    assert [row[1:] for row in rows] == [["?", "0 (unbuilt)"]] * 2
    assert _footer(text)[0] == " Total params: 0 (0.00 B)"
    unbuilt_stack = ember.Sequential([layers.Dense(2)])
    assert "0 (unbuilt)" in _summary(unbuilt_stack)


def test_subclassed_model_lists_unbuilt_sublayers():
    model = _TwoDense()
    model(np.zeros((2, 4), "float32"))
    text = _summary(model)
    _, rows = _table(text)
    assert rows[0][1:] == ["(2, 3)", "15"]
    assert rows[1][1:] == ["?", "0 (unbuilt)"]
    assert _footer(text)[0] == " Total params: 15 (60.00 B)"
