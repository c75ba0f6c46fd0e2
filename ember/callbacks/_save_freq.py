"""`save_freq` for callbacks that save during training: its check, and a
counter of the training steps between two saves."""


def check_save_freq(save_freq, owner: str) -> None:
    """Raises a `ValueError` unless `save_freq` is `"epoch"` or a positive
    int; `owner` names the callback in the message."""
    if save_freq != "epoch" and (
        not isinstance(save_freq, int)
        or isinstance(save_freq, bool)
        or save_freq < 1
    ):
        raise ValueError(
            f"{owner} expects `save_freq` to be 'epoch' or a positive "
            f"integer. Received: save_freq={save_freq!r}"
        )


class StepCounter:
    """Counts training steps from the batch indices `on_train_batch_end`
    receives (one call per step, or one per compiled chunk of steps with
    its last index) and says when `every` steps have passed since the last
    save.

    Args:
        every: steps between two saves.
    """

    def __init__(self, every: int):
        self.every = every
        self.done = 0  # Steps done in the current epoch (set on resume).
        self._since_save = 0

    def step(self, batch: int) -> bool:
        """Records that the steps up to index `batch` are done; True when
        a save is due (the count then starts again). An index not past the
        last one starts a new epoch."""
        if batch + 1 <= self.done:
            self.done = 0
        self._since_save += batch + 1 - self.done
        self.done = batch + 1
        if self._since_save < self.every:
            return False
        self._since_save = 0
        return True
