"""Callbacks: hooks called by `fit`, `evaluate` and `predict`."""

from ember.callbacks.backup_and_restore import BackupAndRestore
from ember.callbacks.callback import Callback
from ember.callbacks.callback import overrides_batch_hooks
from ember.callbacks.callback_list import CallbackList
from ember.callbacks.history import History
from ember.callbacks.model_checkpoint import ModelCheckpoint
from ember.callbacks.progbar_logger import ProgbarLogger
from ember.callbacks.swap_ema_weights import SwapEMAWeights
from ember.callbacks.terminate_on_nan import TerminateOnNaN
