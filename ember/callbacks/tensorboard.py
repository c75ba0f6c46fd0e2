"""The `TensorBoard` callback, writing event files without TensorFlow."""

import os
import time
import warnings

import numpy as np

from ember.callbacks import _event_file
from ember.callbacks._learning_rates import log_learning_rates
from ember.callbacks.callback import Callback

_EMBEDDING_TENSOR = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


def _weight_image(value: np.ndarray) -> np.ndarray | None:
    """A weight as Keras shows it: `[k, h, w, 1]`, or None for ranks it
    cannot show."""
    image = np.squeeze(value)
    if image.ndim == 1:  # A bias.
        return image.reshape(1, 1, -1, 1)
    if image.ndim == 2:  # A dense kernel, its longer side across.
        if image.shape[0] > image.shape[1]:
            image = image.T
        return image.reshape(1, *image.shape, 1)
    if image.ndim == 3:  # A conv kernel: one image per output channel.
        image = np.transpose(image, (2, 0, 1))
        return image.reshape(*image.shape, 1)
    return None


class TensorBoard(Callback):
    """Writes logs for TensorBoard: metrics, weight histograms, the model.

    Files go to ``log_dir/train`` and ``log_dir/validation``, with Keras'
    tag names: ``epoch_loss``, ``epoch_accuracy``, ``epoch_learning_rate``
    (step: the epoch), ``batch_loss`` (step: the batch, counted from 1
    over the whole fit), ``evaluation_loss_vs_iterations`` (validation,
    step: the optimizer's iterations), ``<weight path>/histogram``. The
    event files are written directly (TensorFlow is not needed), in the
    format TensorFlow 2 writes. Then run
    ``tensorboard --logdir=path_to_your_logs``.

    Args:
        log_dir: The directory to write to.
        histogram_freq: Every how many epochs to write weight histograms
            (0: never).
        write_graph: Write the model's config (Keras' "keras" summary,
            shown in the graph tab as a conceptual graph) for functional
            and sequential models. No compiled graph is written (Keras on
            JAX writes none either).
        write_images: Also write each weight as an image, with the
            histograms.
        write_steps_per_second: Log the training steps per second (per
            epoch, and per batch when batches are logged).
        update_freq: ``"epoch"``; ``"batch"`` to also log the metrics
            after every batch; or an integer N to log them every N
            batches. Logging batches makes `fit` run one step per compiled
            execution.
        profile_batch: Accepted for compatibility; profiling is not
            supported (as in Keras on JAX with Python < 3.12), so a value
            other than 0 warns and is ignored.
        embeddings_freq: Every how many epochs to save the weights for the
            embedding projector (0: never).
        embeddings_metadata: The metadata file of the embedding layers: a
            path, or a dict of layer name to path.

    Example:

    >>> tensorboard = ember.callbacks.TensorBoard(log_dir="./logs")
    >>> model.fit(x, y, epochs=2, callbacks=[tensorboard])  # doctest: +SKIP
    """

    def __init__(
        self,
        log_dir: str | os.PathLike = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int = 0,
        embeddings_freq: int = 0,
        embeddings_metadata=None,
    ):
        super().__init__()
        if update_freq not in ("epoch", "batch") and (
            not isinstance(update_freq, int)
            or isinstance(update_freq, bool)
            or update_freq < 1
        ):
            raise ValueError(
                "TensorBoard expects `update_freq` to be 'epoch', 'batch' "
                f"or a positive integer. Received: update_freq={update_freq!r}"
            )
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        if profile_batch:
            warnings.warn(
                "Profiling is not supported by ember's TensorBoard "
                f"callback; profile_batch={profile_batch} is ignored.",
                stacklevel=2,
            )
        self.profile_batch = 0
        # Batch metrics need every batch's hooks; epoch logging does not.
        self.chunked_batch_hooks = self.update_freq == "epoch"
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._previous_epoch_iterations = 0
        self._writers = {}

    # -- writers -------------------------------------------------------------
    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        self._writers = {}
        if self.write_graph:
            self._write_model_summary()
        if self.embeddings_freq:
            self._write_projector_config()

    def _writer(self, kind: str):
        if kind not in self._writers:
            directory = self._train_dir if kind == "train" else self._val_dir
            self._writers[kind] = _event_file.EventFileWriter(directory)
        return self._writers[kind]

    def _scalars(self, kind: str, step: int, scalars: dict) -> None:
        writer = self._writer(kind)
        for tag, value in scalars.items():
            value = np.asarray(value)
            if value.size != 1 or not np.issubdtype(value.dtype, np.number):
                continue  # Only numbers are scalars.
            writer.write(step, [_event_file.scalar_value(tag, float(value))])
        writer.flush()

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()

    def _write_model_summary(self) -> None:
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            config = self.model.to_json()
        except Exception as error:  # A model summary never breaks training.
            warnings.warn(
                f"Model failed to serialize as JSON. Ignoring... {error}",
                stacklevel=2,
            )
            return
        value = _event_file.text_value(
            "keras", config, "graph_keras_model", b"1"
        )
        writer = self._writer("train")
        writer.write(0, [value])
        writer.flush()

    # -- hooks ---------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()
        self._writers = {}

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch":
            return
        step = self._global_train_batch
        if step % self.update_freq:
            return
        scalars = {}
        if self.write_steps_per_second:
            seconds = max(time.time() - self._batch_start_time, 1e-12)
            scalars["batch_steps_per_second"] = 1.0 / seconds
        if isinstance(logs, dict):
            scalars.update({f"batch_{k}": v for k, v in logs.items()})
        self._scalars("train", step, scalars)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        scalars = {
            f"evaluation_{k}_vs_iterations": v for k, v in (logs or {}).items()
        }
        self._scalars("val", self._iterations(), scalars)

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(
                self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5"
            )
            self.model.save_weights(path)

    # -- what is logged ------------------------------------------------------
    def _iterations(self) -> int:
        return int(np.asarray(self.model.optimizer.iterations))

    def _log_epoch_metrics(self, epoch: int, logs) -> None:
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if getattr(self.model, "optimizer", None) is not None:
            log_learning_rates(self.model, train, skip_missing=True)
        if self.write_steps_per_second:
            steps = self._iterations() - self._previous_epoch_iterations
            seconds = max(time.time() - self._epoch_start_time, 1e-12)
            train["steps_per_second"] = steps / seconds
        if train:
            epoch_train = {f"epoch_{k}": v for k, v in train.items()}
            self._scalars("train", epoch, epoch_train)
        if val:
            self._scalars(
                "val", epoch, {f"epoch_{k}": v for k, v in val.items()}
            )

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                value = np.asarray(weight.numpy())
                tag = f"{name}/histogram"
                writer.write(epoch, [_event_file.histogram_value(tag, value)])
                if self.write_images:
                    image = _weight_image(value)
                    if image is not None and image.shape[-1] in (1, 3, 4):
                        tag = f"{name}/image"
                        image_value = _event_file.image_value(tag, image)
                        writer.write(epoch, [image_value])
        writer.flush()

    def _write_projector_config(self) -> None:
        metadata = self.embeddings_metadata
        if isinstance(metadata, dict):
            metadata = dict(metadata)
        entries = []
        for layer in self.model.layers:
            if type(layer).__name__ != "Embedding":
                continue
            entry = f'  tensor_name: "{_EMBEDDING_TENSOR}"\n'
            path = metadata
            if isinstance(metadata, dict):
                path = metadata.pop(layer.name, None)
            if path is not None:
                entry += f'  metadata_path: "{path}"\n'
            entries.append("embeddings {\n" + entry + "}\n")
        if isinstance(metadata, dict) and metadata:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to "
                "`keras.callbacks.TensorBoard` `embeddings_metadata` "
                f"argument: {metadata.keys()}"
            )
        os.makedirs(self.log_dir, exist_ok=True)
        path = os.path.join(self.log_dir, "projector_config.pbtxt")
        with open(path, "w") as config_file:
            config_file.write("".join(entries))
