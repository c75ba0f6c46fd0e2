"""The keras.io guides' custom-step model, for ember or Keras alike."""

import jax


def guide_model_class(lib):
    """A Model whose steps return `{m.name: m.result()}` over
    `self.metrics` (the compiled metrics' entry is a dict)."""

    def metric_logs(model, metric_values, loss, y, y_pred):
        new_values, logs, start = [], {}, 0
        for metric in model.metrics:
            count = len(metric.variables)
            values = metric_values[start : start + count]
            start += count
            if metric.name == "loss":
                values = metric.stateless_update_state(values, loss)
            else:
                values = metric.stateless_update_state(values, y, y_pred)
            logs[metric.name] = metric.stateless_result(values)
            new_values += list(values)
        return logs, new_values

    class GuideModel(lib.Model):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_values, metric_values = state
            x, y = data

            def loss_fn(values):
                y_pred, new_non_trainable = self.stateless_call(
                    values, non_trainable, x, training=True
                )
                loss = self.compute_loss(x, y, y_pred)
                return loss, (y_pred, new_non_trainable)

            (loss, (y_pred, non_trainable)), grads = jax.value_and_grad(
                loss_fn, has_aux=True
            )(trainable)
            trainable, optimizer_values = self.optimizer.stateless_apply(
                optimizer_values, grads, trainable
            )
            logs, metric_values = metric_logs(
                self, metric_values, loss, y, y_pred
            )
            state = (trainable, non_trainable, optimizer_values, metric_values)
            return logs, state

        def test_step(self, state, data):
            trainable, non_trainable, metric_values = state
            x, y = data
            y_pred, non_trainable = self.stateless_call(
                trainable, non_trainable, x, training=False
            )
            loss = self.compute_loss(x, y, y_pred)
            logs, metric_values = metric_logs(
                self, metric_values, loss, y, y_pred
            )
            state = (trainable, non_trainable, metric_values)
            return logs, state

    return GuideModel
