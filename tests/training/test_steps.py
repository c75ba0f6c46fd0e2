"""The default steps, and a model's own steps, on a last partial batch.

ember pads a last partial batch for its own steps and hands them the
padding mask as an argument; a model with its own `train_step`,
`test_step` or `compute_loss` gets that batch at its real size instead, as
in Keras. Either way the numbers are those of the real rows.
"""

import jax
import numpy as np
import pytest

import ember
from ember import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(10, 3)).astype("float32")  # batch 4: 4 + 4 + 2 rows
Y = np.stack([RNG.normal(size=10), RNG.integers(0, 2, 10)], 1).astype("float32")


class Penalty(layers.Layer):
    def call(self, x):
        self.add_loss(0.1 * ember.ops.mean(x**2))
        return x


class OwnTrainStep(ember.Model):
    """A train step written as Keras' JAX guide writes it, calling
    `compute_loss`, weighting the loss tracker by the batch's rows (as
    Keras' built-in step does)."""

    seen: list = []

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_values, metric_values = state
        x, y, sample_weight = ember.utils.unpack_x_y_sample_weight(data)
        OwnTrainStep.seen.append(x.shape[0])

        def loss_fn(values):
            y_pred, new_non_trainable = self.stateless_call(
                values, non_trainable, x, training=True
            )
            loss = self.compute_loss(x, y, y_pred, sample_weight)
            return loss, (y_pred, new_non_trainable)

        (loss, (y_pred, non_trainable)), grads = jax.value_and_grad(
            loss_fn, has_aux=True
        )(trainable)
        trainable, optimizer_values = self.optimizer.stateless_apply(
            optimizer_values, grads, trainable
        )
        new_values, logs = [], {}
        for metric in self.metrics:
            start = len(new_values)
            values = metric_values[start : start + len(metric.variables)]
            if metric.name == "loss":
                values = metric.stateless_update_state(
                    values, loss, sample_weight=x.shape[0]
                )
            else:
                values = metric.stateless_update_state(values, y, y_pred)
            result = metric.stateless_result(values)
            logs.update(
                result if isinstance(result, dict) else {"loss": result}
            )
            new_values += list(values)
        return logs, (trainable, non_trainable, optimizer_values, new_values)


def _model(cls, penalty=False):
    ember.utils.set_random_seed(0)
    inputs = ember.Input((3,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    if penalty:
        hidden = Penalty()(hidden)
    model = cls(inputs, layers.Dense(2)(hidden))
    model.compile(
        ember.optimizers.SGD(0.05),
        loss="mse",
        metrics=["mae", ember.metrics.R2Score()],
    )
    return model


def test_an_own_train_step_calling_compute_loss_equals_the_built_in_one():
    OwnTrainStep.seen = []
    results = []
    for cls in (ember.Model, OwnTrainStep):
        model = _model(cls)
        history = model.fit(
            X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0
        )
        results.append((history.history, model.get_weights()))
    (built_in, weights), (own, own_weights) = results
    assert set(own) == set(built_in) == {"loss", "mae", "r2_score"}
    for key in built_in:
        np.testing.assert_allclose(own[key], built_in[key], rtol=1e-5)
    for a, b in zip(own_weights, weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    # The own step saw the last batch at its real size (traced once per
    # shape), never a padded one.
    assert sorted(set(OwnTrainStep.seen)) == [2, 4]


def test_the_built_in_step_leaves_padding_rows_out():
    # The same fit on 10 rows with batch 4 (padded) and by hand on the
    # three real batches: the epoch's loss is the mean of the batch losses
    # weighted by their real rows, as in Keras.
    model = _model(ember.Model, penalty=True)
    weights = model.get_weights()
    history = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    reference = _model(ember.Model, penalty=True)
    reference.set_weights(weights)
    losses = [
        reference.train_on_batch(X[i : i + 4], Y[i : i + 4], return_dict=True)[
            "loss"
        ]
        for i in (0, 4, 8)
    ]
    expected = (4 * losses[0] + 4 * losses[1] + 2 * losses[2]) / 10
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    for a, b in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


class OwnComputeLoss(ember.Model):
    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        # `self.losses` holds the forward pass's losses here, as in Keras.
        self.seen_losses = len(self.losses)
        return super().compute_loss(x, y, y_pred, sample_weight, training)


def test_an_own_compute_loss_sees_the_forward_pass_losses():
    results = []
    for cls in (ember.Model, OwnComputeLoss):
        model = _model(cls, penalty=True)
        logs = model.evaluate(X, Y, batch_size=4, verbose=0, return_dict=True)
        results.append(logs)
        if cls is OwnComputeLoss:
            assert model.seen_losses == 1
    for key in results[0]:
        assert results[1][key] == pytest.approx(results[0][key], rel=1e-5)
