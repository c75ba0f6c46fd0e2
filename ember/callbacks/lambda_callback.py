"""The `LambdaCallback` callback."""

from ember.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback made of plain functions, one per hook.

    Each argument given replaces that hook: ``on_epoch_begin`` and
    ``on_epoch_end`` take ``(epoch, logs)``, ``on_train_begin`` and
    ``on_train_end`` take ``(logs)``, the batch hooks take ``(batch,
    logs)``. Any other hook of `Callback` can be passed by name as a
    keyword (``on_batch_end=...`` for training batches,
    ``on_test_end=...``, ...). A batch hook makes `fit` run one step per
    compiled execution, so that it sees every batch.

    Args:
        on_epoch_begin: Called at the start of each epoch.
        on_epoch_end: Called at the end of each epoch.
        on_train_begin: Called at the start of training.
        on_train_end: Called at the end of training.
        on_train_batch_begin: Called at the start of each training batch.
        on_train_batch_end: Called at the end of each training batch.
        **kwargs: Other hooks, by name.

    Example:

    >>> losses = []
    >>> keep_loss = ember.callbacks.LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> model.fit(x, y, callbacks=[keep_loss])  # doctest: +SKIP
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, hook in hooks.items():
            if hook is not None:
                setattr(self, name, hook)
