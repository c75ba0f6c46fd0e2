import pytest

from ember.callbacks._save_freq import StepCounter
from ember.callbacks._save_freq import check_save_freq


def due(counter, batches):
    return [b for b in batches if counter.step(b)]


def test_counts_steps_per_call_and_per_chunk_across_epochs():
    # Epochs of 5 steps, hooks called once per step: saves after 3, 6, 9.
    assert due(StepCounter(3), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]) == [2, 0, 3]
    # Chunks of 2 steps (indices 1, 3, 4): the same steps, counted alike.
    assert due(StepCounter(3), [1, 3, 4, 1, 3, 4]) == [3, 1, 4]


def test_a_resumed_count_starts_past_the_steps_done():
    counter = StepCounter(2)
    counter.done = 4  # Resumed after 4 steps of an epoch.
    assert due(counter, [4, 5, 6]) == [5]
    counter = StepCounter(2)
    counter.done = 7  # Resumed after the epoch's last step.
    assert due(counter, [0, 1]) == [1]


@pytest.mark.parametrize("save_freq", ["batch", 0, -1, True, 1.5])
def test_check_save_freq_names_the_callback(save_freq):
    with pytest.raises(ValueError, match="Backup expects `save_freq`"):
        check_save_freq(save_freq, "Backup")
    check_save_freq("epoch", "Backup")
    check_save_freq(3, "Backup")
