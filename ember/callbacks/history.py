"""The `History` callback that `fit` returns."""

from ember.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch.

    Attributes:
        history: Dict mapping each metric name to the list of its values, one
            per epoch.
        epoch: List of the epoch indices recorded.
        params: The training parameters.
        model: The model trained.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
