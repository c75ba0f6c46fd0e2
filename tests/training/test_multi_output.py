"""compile/fit/evaluate with several outputs: losses, weights, metrics."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


def _two_outputs(as_dict=False):
    ember.utils.set_random_seed(0)
    inputs = ember.Input(shape=(3,), name="x")
    hidden = layers.Dense(5, activation="tanh", name="hidden")(inputs)
    reg = layers.Dense(1, name="reg")(hidden)
    cls = layers.Dense(4, activation="softmax", name="cls")(hidden)
    outputs = {"reg": reg, "cls": cls} if as_dict else [reg, cls]
    return ember.Model(inputs, outputs)


def _data(n=20):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    reg = x[:, :1] * 2.0 - x[:, 1:2]
    labels = (np.arange(n) % 4).astype("int32")
    return x, reg, labels


def _losses(model, x, reg, labels):
    """Each output's loss, computed by hand from the model's predictions."""
    pred_reg, pred_cls = (np.asarray(p) for p in model(x))
    mse = np.mean((pred_reg - reg) ** 2)
    picked = pred_cls[np.arange(len(labels)), labels]
    scce = -np.mean(np.log(np.clip(picked, 1e-7, 1.0)))
    return mse, scce


def test_loss_weights_scale_each_outputs_loss_in_the_total():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile(
        "sgd",
        loss=["mse", "sparse_categorical_crossentropy"],
        loss_weights=[0.5, 2.0],
    )
    mse, scce = _losses(model, x, reg, labels)
    logs = model.evaluate(x, [reg, labels], verbose=0, return_dict=True)
    assert set(logs) == {"loss", "reg_loss", "cls_loss"}
    np.testing.assert_allclose(logs["reg_loss"], mse, rtol=1e-5)
    np.testing.assert_allclose(logs["cls_loss"], scce, rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], 0.5 * mse + 2.0 * scce, rtol=1e-5)


def test_one_sgd_step_follows_the_weighted_total_gradient():
    x, reg, labels = _data(8)
    model = _two_outputs()
    model.compile(
        ember.optimizers.SGD(learning_rate=0.1),
        loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
        loss_weights={"reg": 3.0},
    )
    params = [jnp.array(v.numpy()) for v in model.trainable_variables]

    def total(params):
        (pred_reg, pred_cls), _ = model.stateless_call(params, [], x)
        mse = jnp.mean(jnp.square(pred_reg - reg))
        picked = jnp.take_along_axis(pred_cls, labels[:, None], axis=1)
        return 3.0 * mse - jnp.mean(jnp.log(jnp.clip(picked, 1e-7, 1.0)))

    grads = jax.grad(total)(params)
    model.train_on_batch(x, {"reg": reg, "cls": labels})
    for variable, p, g in zip(
        model.trainable_variables, params, grads, strict=True
    ):
        np.testing.assert_allclose(variable.numpy(), p - 0.1 * g, atol=1e-6)


def test_dict_outputs_take_dict_losses_metrics_and_targets():
    x, reg, labels = _data()
    model = _two_outputs(as_dict=True)
    model.compile(
        "adam",
        loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
        metrics={"cls": "accuracy"},
    )
    history = model.fit(
        x, {"reg": reg, "cls": labels}, batch_size=8, epochs=2, verbose=0
    )
    assert set(history.history) == {
        "loss",
        "reg_loss",
        "cls_loss",
        "cls_accuracy",
    }
    logs = model.evaluate(
        x, {"reg": reg, "cls": labels}, verbose=0, return_dict=True
    )
    pred = np.asarray(model(x)["cls"])
    np.testing.assert_allclose(
        logs["cls_accuracy"], np.mean(pred.argmax(-1) == labels), rtol=1e-6
    )


def test_per_output_values_leave_out_the_padding_of_the_last_batch():
    x, reg, labels = _data(20)
    model = _two_outputs()
    model.compile(
        "sgd",
        loss=["mse", "sparse_categorical_crossentropy"],
        metrics=[["mae"], ["accuracy"]],
    )
    mse, scce = _losses(model, x, reg, labels)
    logs = model.evaluate(
        x, [reg, labels], batch_size=7, verbose=0, return_dict=True
    )
    pred_reg, pred_cls = (np.asarray(p) for p in model(x))
    np.testing.assert_allclose(logs["reg_loss"], mse, rtol=1e-5)
    np.testing.assert_allclose(logs["cls_loss"], scce, rtol=1e-5)
    np.testing.assert_allclose(
        logs["reg_mae"], np.mean(np.abs(pred_reg - reg)), rtol=1e-5
    )
    np.testing.assert_allclose(
        logs["cls_accuracy"], np.mean(pred_cls.argmax(-1) == labels)
    )


def test_one_loss_applies_to_every_output():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", loss="mse", metrics=[["mae"], ["mae"]])
    onehot = np.eye(4, dtype="float32")[labels]
    logs = model.evaluate(x, [reg, onehot], verbose=0, return_dict=True)
    pred_reg, pred_cls = (np.asarray(p) for p in model(x))
    mse_reg = np.mean((pred_reg - reg) ** 2)
    mse_cls = np.mean((pred_cls - onehot) ** 2)
    assert set(logs) == {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_mae"}
    np.testing.assert_allclose(logs["loss"], mse_reg + mse_cls, rtol=1e-5)


def test_targets_by_output_layer_name_for_a_list_output_model():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    by_list = model.evaluate(x, [reg, labels], verbose=0)
    by_name = model.evaluate(x, {"cls": labels, "reg": reg}, verbose=0)
    np.testing.assert_allclose(by_name, by_list, rtol=1e-6)


def test_an_output_without_a_loss_is_not_trained_on():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", loss={"reg": "mse", "cls": None})
    logs = model.evaluate(x, [reg, labels], verbose=0, return_dict=True)
    mse, _ = _losses(model, x, reg, labels)
    assert set(logs) == {"loss"}
    np.testing.assert_allclose(logs["loss"], mse, rtol=1e-5)


def test_metric_names_follow_keras_rules():
    x, reg, _ = _data()
    inputs = ember.Input(shape=(3,))
    model = ember.Model(inputs, layers.Dense(1)(inputs))
    model.compile(
        "sgd",
        loss="mse",
        metrics=["mae", "mse", "mae"],
        weighted_metrics=["mae", "mean_squared_error"],
    )
    logs = model.evaluate(x, reg, verbose=0, return_dict=True)
    assert set(logs) == {
        "loss",
        "mae",
        "mse",
        "mae_1",
        "weighted_mae",
        "mean_squared_error",
    }


def test_crossentropy_string_picks_the_loss_from_the_shapes():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", loss=["mse", "crossentropy"])
    logs = model.evaluate(x, [reg, labels], verbose=0, return_dict=True)
    _, scce = _losses(model, x, reg, labels)
    np.testing.assert_allclose(logs["cls_loss"], scce, rtol=1e-5)


def test_sample_weight_per_output():
    x, reg, labels = _data(8)
    model = _two_outputs()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    weight = np.array([1, 0, 2, 0, 1, 1, 0, 3], "float32")
    logs = model.evaluate(
        x,
        [reg, labels],
        sample_weight=[weight, np.ones(8, "float32")],
        verbose=0,
        return_dict=True,
    )
    pred_reg = np.asarray(model(x)[0])[:, 0]
    want = np.sum(weight * (pred_reg - reg[:, 0]) ** 2) / 8
    np.testing.assert_allclose(logs["reg_loss"], want, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": ["mse"]}, "one entry per output"),
        ({"loss": {"reg": "mse", "nope": "mse"}}, "not outputs of the model"),
        ({"loss": "mse", "loss_weights": 2.0}, "single float `loss_weights`"),
        ({"loss": "mse", "metrics": ["mae"]}, "one\nentry|one entry"),
    ],
)
def test_mismatched_compile_arguments_are_clear_errors(kwargs, message):
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", **kwargs)
    before = [v.numpy() for v in model.trainable_variables]
    with pytest.raises(ValueError, match=message):
        model.fit(x, [reg, labels], verbose=0)
    for variable, value in zip(model.trainable_variables, before, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_targets_that_miss_an_output_fail_before_any_weight_changes():
    x, reg, labels = _data()
    model = _two_outputs()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    before = [v.numpy() for v in model.trainable_variables]
    with pytest.raises(ValueError, match="2 outputs named \\['reg', 'cls'\\]"):
        model.fit(x, [reg], verbose=0)
    with pytest.raises(ValueError, match="missing|without entries"):
        model.fit(x, {"reg": reg}, verbose=0)
    with pytest.raises(ValueError, match="label value of 6"):
        model.fit(x, [reg, labels + 3], verbose=0)
    for variable, value in zip(model.trainable_variables, before, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_unknown_names_fail_at_compile():
    model = _two_outputs()
    with pytest.raises(ValueError, match="mse"):
        model.compile("sgd", loss=["msee", "mse"])
    with pytest.raises(ValueError, match="accuracy"):
        model.compile("sgd", loss="mse", metrics={"cls": ["acuracy"]})
