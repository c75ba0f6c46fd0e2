"""`CallbackList`: one endpoint dispatching every hook to many callbacks."""

from ember.callbacks.callback import Callback
from ember.callbacks.history import History
from ember.callbacks.progbar_logger import ProgbarLogger


def _flatten(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    if isinstance(callbacks, (list, tuple)):
        flat = []
        for callback in callbacks:
            flat.extend(_flatten(callback))
        return flat
    return [callbacks]


def _to_python(value):
    if isinstance(value, (str, bytes)):
        return value
    try:
        if getattr(value, "ndim", 0) == 0:
            return float(value)
    except (TypeError, ValueError):
        pass
    return value


def pythonify_logs(logs) -> dict:
    """Logs as callbacks receive them: flat, scalars as Python floats.

    A step (the default one, or a user's `train_step` written as the
    keras.io guides do, `{m.name: m.result() for m in self.metrics}`) may
    return logs holding nested dicts: the compiled metrics' result is
    itself a dict. As Keras does, the nested entries are merged into the
    top level, in place of their parent's key; arrays that are not scalars
    (F1Score per class) stay arrays.

    This is the one conversion of a step's logs: the training loop hands
    an execution's logs (fetched from the device, so every dict's keys are
    sorted, as Keras on JAX gives them) to a batch hook, which converts
    them and returns them for the epoch's logs and `evaluate`'s values.
    """
    result = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = _to_python(value)
    return result


class CallbackList(Callback):
    """Wraps callbacks so that each hook calls them all, in order.

    Args:
        callbacks: A callback, a (nested) list of callbacks, or ``None``.
        add_history: Append a `History` unless one is already there.
        add_progbar: Append a `ProgbarLogger` unless one is already there.
        model: The model, passed to every callback with `set_model`.
        **params: If given, passed to every callback with `set_params`.
    """

    def __init__(
        self,
        callbacks=None,
        add_history=False,
        add_progbar=False,
        model=None,
        **params,
    ):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        self._history = None
        self._progbar = None
        for callback in self.callbacks:
            if isinstance(callback, ProgbarLogger):
                self._progbar = callback
            elif isinstance(callback, History):
                self._history = callback
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    def __iter__(self):
        return iter(self.callbacks)

    def append(self, callback):
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        self.model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _call(self, hook, *args) -> dict:
        """Calls `hook` of every callback with the converted logs, and
        returns those logs (the training loop keeps them)."""
        logs = pythonify_logs(args[-1])
        for callback in self.callbacks:
            getattr(callback, hook)(*args[:-1], logs)
        return logs

    def on_batch_begin(self, batch, logs=None):
        return self._call("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        return self._call("on_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        return self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        return self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        return self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        return self._call("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        return self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        return self._call("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        return self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        return self._call("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        return self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        return self._call("on_train_end", logs)

    def on_test_begin(self, logs=None):
        return self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        return self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        return self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        return self._call("on_predict_end", logs)
