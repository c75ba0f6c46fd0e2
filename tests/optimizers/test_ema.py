"""`use_ema`: the weights' moving average, worked out by hand on one weight.

SGD with learning rate 0.1 and a constant gradient of 1 moves the weight
1.0 -> 0.9 -> 0.8 -> 0.7 -> ...; the average copies the first new weight,
then `average = m * average + (1 - m) * weight`.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import optimizers


def _var(value, name="w"):
    return ember.Variable(np.asarray(value, dtype="float32"), name=name)


def _steps(opt, w, grads):
    """Applies each gradient; returns (weight, average) after each step."""
    out = []
    for g in grads:
        opt.apply([jnp.array([g], dtype="float32")], [w])
        average = opt._model_variables_moving_average[0]
        out.append((float(w.value[0]), float(average.value[0])))
    return out


def test_average_slots_come_first_and_start_at_zero():
    w, b = _var([1.0, 2.0]), _var([3.0], name="b")
    opt = optimizers.Adam(use_ema=True)
    opt.build([w, b])
    assert [v.path for v in opt.variables] == [
        "adam/iteration",
        "adam/learning_rate",
        "adam/w_average",
        "adam/b_average",
        "adam/w_momentum",
        "adam/w_velocity",
        "adam/b_momentum",
        "adam/b_velocity",
    ]
    np.testing.assert_array_equal(opt.variables[2].value, [0.0, 0.0])
    assert opt._model_variables_moving_average == opt.variables[2:4]


def test_moving_average_by_hand():
    opt = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5)
    got = _steps(opt, _var([1.0]), [1.0, 1.0, 1.0])
    # step 1 copies the weight; then 0.5 * 0.9 + 0.5 * 0.8 = 0.85,
    # 0.5 * 0.85 + 0.5 * 0.7 = 0.775
    np.testing.assert_allclose(
        got, [(0.9, 0.9), (0.8, 0.85), (0.7, 0.775)], rtol=1e-6
    )


def test_overwrite_frequency_by_hand():
    opt = optimizers.SGD(
        learning_rate=0.1,
        use_ema=True,
        ema_momentum=0.5,
        ema_overwrite_frequency=2,
    )
    got = _steps(opt, _var([1.0]), [1.0, 1.0, 1.0, 1.0])
    # iterations 1 and 3 end with the weight replaced by the average:
    # 0.8 -> 0.85; then 0.75 (avg 0.8); 0.65 (avg 0.725) -> 0.725
    np.testing.assert_allclose(
        got,
        [(0.9, 0.9), (0.85, 0.85), (0.75, 0.8), (0.725, 0.725)],
        rtol=1e-6,
    )


def test_moving_average_with_accumulation_by_hand():
    # The average moves on every call; `iterations` (updates made) decides
    # the first-step copy, so the first two calls copy the weight.
    opt = optimizers.SGD(
        learning_rate=0.1,
        use_ema=True,
        ema_momentum=0.5,
        gradient_accumulation_steps=2,
    )
    got = _steps(opt, _var([1.0]), [1.0, 3.0, 1.0, 3.0, 1.0])
    # updates with the mean gradient 2: 1.0 -> 0.8 (call 2), 0.6 (call 4)
    np.testing.assert_allclose(
        got,
        [(1.0, 1.0), (0.8, 0.8), (0.8, 0.8), (0.6, 0.7), (0.6, 0.65)],
        rtol=1e-6,
    )


def test_stateless_apply_under_jit_equals_apply():
    kwargs = dict(
        learning_rate=0.1,
        use_ema=True,
        ema_momentum=0.5,
        ema_overwrite_frequency=2,
    )
    eager = optimizers.SGD(**kwargs)
    expected = _steps(eager, _var([1.0]), [1.0, 2.0, 1.0])
    opt = optimizers.SGD(**kwargs)
    w = _var([1.0])
    opt.build([w])
    step = jax.jit(opt.stateless_apply)
    train, values = [w.value], [v.value for v in opt.variables]
    got = []
    for g in [1.0, 2.0, 1.0]:
        train, values = step(values, [jnp.array([g])], train)
        got.append((float(train[0][0]), float(values[2][0])))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert int(values[0]) == 3


def test_finalize_writes_the_averages():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5)
    _steps(opt, w, [1.0, 1.0])
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.value, [0.85], rtol=1e-6)


def test_finalize_without_ema_changes_nothing():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.apply([jnp.array([1.0])], [w])
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.value, [0.9], rtol=1e-6)


def test_finalize_checks_the_number_of_variables():
    w = _var([1.0])
    opt = optimizers.SGD(use_ema=True)
    opt.build([w])
    with pytest.raises(
        ValueError,
        match=r"length of model variables \(2\) to override does not match "
        r"the length of model variables stored in the optimizer \(1\)",
    ):
        opt.finalize_variable_values([w, _var([2.0], name="v")])
    np.testing.assert_array_equal(w.value, [1.0])


def test_fit_ends_with_the_average_weights():
    # loss = w**2 on x = 1, y = 0: gradient 2w; w: 1 -> 0.8 -> 0.64, the
    # average 0.8 then 0.5 * 0.8 + 0.5 * 0.64 = 0.72.
    model = ember.Sequential(
        [
            ember.Input((1,)),
            ember.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    model.compile(
        optimizer=optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5),
        loss="mse",
    )
    x, y = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].kernel.value, [[0.72]])
    # training continues from the finalized weights (no shared buffers)
    model.fit(x, y, epochs=1, batch_size=1, verbose=0)
    np.testing.assert_allclose(
        model.layers[0].kernel.value, [[0.5 * 0.72 + 0.5 * 0.576]], rtol=1e-6
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"ema_momentum": 1.5},
            r"`ema_momentum` must be in the range \[0, 1\]. "
            r"Received: ema_momentum=1.5",
        ),
        (
            {"ema_overwrite_frequency": 0},
            "`ema_overwrite_frequency` must be an integer >= 1 or None. "
            "Received: ema_overwrite_frequency=0",
        ),
        (
            {"ema_overwrite_frequency": 2.5},
            "Received: ema_overwrite_frequency=2.5",
        ),
    ],
)
def test_bad_ema_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizers.SGD(use_ema=True, **kwargs)


def test_ema_arguments_unchecked_without_use_ema():
    # As Keras: they are only validated when `use_ema=True`.
    opt = optimizers.SGD(ema_momentum=1.5, ema_overwrite_frequency=0)
    assert opt.get_config()["ema_momentum"] == 1.5


def test_config_round_trip():
    opt = optimizers.Adam(
        use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3
    )
    config = opt.get_config()
    assert (
        config["use_ema"],
        config["ema_momentum"],
        config["ema_overwrite_frequency"],
    ) == (True, 0.9, 3)
    clone = optimizers.deserialize(optimizers.serialize(opt))
    assert clone.get_config() == config
    clone.build([_var([1.0])])
    assert [v.path.split("/")[1] for v in clone.variables][2] == "w_average"
