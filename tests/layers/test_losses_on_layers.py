import jax
import jax.numpy as jnp
import numpy as np

import ember
from ember import layers


class AddsLoss(layers.Layer):
    def call(self, inputs):
        self.add_loss(jnp.sum(inputs))
        return inputs


def test_kernel_regularizer_penalty_is_in_losses():
    dense = layers.Dense(2, kernel_regularizer=ember.regularizers.L2(0.5))
    dense(np.ones((1, 3)))
    kernel = dense.kernel.numpy()
    (penalty,) = dense.losses
    np.testing.assert_allclose(penalty, 0.5 * np.sum(kernel**2), rtol=1e-6)


def test_add_loss_is_collected_and_cleared_on_the_next_outer_call():
    inner = AddsLoss()
    inputs = ember.Input(shape=(2,))
    model = ember.Model(inputs, layers.Dense(1)(inner(inputs)))
    model(np.ones((1, 2)))
    assert [float(x) for x in model.losses] == [2.0]
    model(np.full((1, 2), 3.0))
    assert [float(x) for x in model.losses] == [6.0]


def test_activity_regularizer_is_divided_by_the_batch_size():
    dense = layers.Dense(
        1, kernel_initializer="ones", activity_regularizer="l1"
    )
    dense(np.ones((4, 2)))
    # Each output is 2; l1 = 0.01 * sum(|out|) = 0.08, over a batch of 4.
    np.testing.assert_allclose(dense.losses[0], 0.02, rtol=1e-6)


def test_stateless_call_returns_losses_as_functions_of_the_values():
    dense = layers.Dense(1, kernel_regularizer=ember.regularizers.L2(1.0))
    dense(np.ones((1, 2)))

    def total(trainable):
        _, _, losses = dense.stateless_call(
            trainable, [], np.ones((1, 2)), return_losses=True
        )
        return sum(losses)

    kernel = jnp.array([[1.0], [2.0]])
    grads = jax.jit(jax.grad(total))([kernel, jnp.zeros((1,))])
    np.testing.assert_allclose(grads[0], 2 * kernel)
    assert dense._losses == []
