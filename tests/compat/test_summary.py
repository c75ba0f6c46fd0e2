import re
import warnings

import keras
import pytest

import ember


def _cnn(lib):
    nn = lib.layers
    with warnings.catch_warnings():
        # Keras warns about `input_shape=` on a layer; it is still accepted.
        warnings.simplefilter("ignore")
        return lib.Sequential(
            [
                nn.Conv2D(
                    32, (3, 3), activation="relu", input_shape=(28, 28, 1)
                ),
                nn.MaxPooling2D((2, 2)),
                nn.Flatten(),
                nn.Dense(128, activation="relu"),
                nn.Dense(10, activation="softmax"),
            ]
        )


def _mlp(lib):
    inputs = lib.Input(shape=(10,))
    x = lib.layers.Dense(64, activation="relu")(inputs)
    x = lib.layers.Dense(64, activation="relu")(x)
    outputs = lib.layers.Dense(1, activation="sigmoid")(x)
    return lib.Model(inputs=inputs, outputs=outputs)


FOUNDING = {
    "cnn": (
        _cnn,
        [
            ("Conv2D", (None, 26, 26, 32), 320),
            ("MaxPooling2D", (None, 13, 13, 32), 0),
            ("Flatten", (None, 5408), 0),
            ("Dense", (None, 128), 692_352),
            ("Dense", (None, 10), 1_290),
        ],
        " Total params: 693,962 (2.65 MB)",
    ),
    "mlp": (
        _mlp,
        [
            ("InputLayer", (None, 10), 0),
            ("Dense", (None, 64), 704),
            ("Dense", (None, 64), 4_160),
            ("Dense", (None, 1), 65),
        ],
        " Total params: 4,929 (19.25 KB)",
    ),
}


def _printed(model):
    calls = []
    # Within 80 columns: Keras' plain-text console is 80 wide off a terminal.
    model.summary(print_fn=calls.append, line_length=76)
    return calls[0]


def _rows(text):
    """(class name, output shape, param count) per table row, as printed."""
    rows, current = [], None
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if current is None:
                current = cells
            else:
                pairs = zip(current, cells, strict=True)
                current = [f"{a} {b}".strip() for a, b in pairs]
        elif line.startswith(("├", "└")) and current is not None:
            kind = re.search(r"\((\w+)\)$", current[0]).group(1)
            rows.append((kind, current[1], current[2]))
            current = None
    return rows


def _frame(text):
    """Every line but the model's name and the rows (names differ)."""
    return [line for line in text.splitlines()[1:] if not line.startswith("│")]


def _api_rows(model):
    return [
        (type(layer).__name__, tuple(layer.output.shape), layer.count_params())
        for layer in model.layers
    ]


@pytest.mark.parametrize("program", sorted(FOUNDING))
def test_founding_program_layers_match_keras(program):
    build, expected, _ = FOUNDING[program]
    ours, theirs = build(ember), build(keras)
    assert _api_rows(theirs)[-len(expected) :] == expected
    assert _api_rows(ours) == _api_rows(theirs)
    assert ours.count_params() == theirs.count_params()


@pytest.mark.parametrize("program", sorted(FOUNDING))
def test_founding_program_summary_text_matches_keras(program):
    build, expected, total = FOUNDING[program]
    ours, theirs = _printed(build(ember)), _printed(build(keras))
    assert _rows(ours) == _rows(theirs)
    assert _rows(ours) == [
        (kind, str(shape), f"{count:,}") for kind, shape, count in expected
    ]
    assert _frame(ours) == _frame(theirs)
    assert total in _frame(ours)


def _branched(lib):
    inputs = lib.Input(shape=(4,), name="x")
    left = lib.layers.Dense(8, name="left")(inputs)
    right = lib.layers.Dense(8, name="right")(inputs)
    outputs = lib.layers.Dense(1, name="out")(left + right)
    return lib.Model(inputs, outputs)


def test_connected_to_column_matches_keras():
    def normalized(text):
        # Keras numbers its ops globally (add_3); ember per session. The
        # name's length sets the column's width, so widths are collapsed.
        text = re.sub(r"\badd_\d+\b", "add", text)
        text = re.sub(r" +", " ", re.sub(r"([━─])\1+", r"\1", text))
        return text.splitlines()[1:]

    ours, theirs = _printed(_branched(ember)), _printed(_branched(keras))
    assert normalized(ours) == normalized(theirs)
    assert _rows(ours)[3] == ("Add", "(None, 8)", "0")
    assert "│ left[0][0],       │" in ours
    assert "│ right[0][0]       │" in ours
