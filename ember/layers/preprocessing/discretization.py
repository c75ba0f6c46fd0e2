"""Discretization: buckets numbers by ranges, given or adapted."""

import contextlib
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import config as ember_config
from ember.core.dtypes import is_float
from ember.layers.layer import Layer
from ember.layers.preprocessing import _categorical_jax
from ember.layers.preprocessing import _quantiles

OUTPUT_MODES = ("int", *_categorical_jax.ENCODINGS)


class Discretization(Layer):
    """Replaces each number by the index of the range (bin) it falls in.

    With boundaries `[b_0, ..., b_{n-1}]` there are `n + 1` bins:
    `(-inf, b_0)`, `[b_0, b_1)`, ..., `[b_{n-1}, inf)`. The boundaries are
    given (`bin_boundaries`) or estimated by `adapt` as approximate
    quantiles of the data (`num_bins`), with the same numbers as Keras.
    The boundaries are part of the config (the layer has no weights), as
    in Keras, so `.keras` files move both ways.

    Args:
        bin_boundaries: the sorted boundaries between bins; set this or
            `num_bins`.
        num_bins: the number of bins `adapt` computes boundaries for.
        epsilon: the error tolerance of `adapt`'s quantiles (smaller is
            more exact and uses more memory).
        output_mode: `"int"` (default): the bin index, as int32;
            `"one_hot"`, `"multi_hot"`, `"count"`: the indices encoded as
            in `CategoryEncoding`, with `len(bin_boundaries) + 1` bins.
        sparse: must be False: ember has no sparse tensors.
        dtype: the dtype of the encoded outputs (and the layer's policy).
        name: the layer's name.

    Input shape:
        Any.

    Output shape:
        The input's in `"int"` mode; otherwise as `CategoryEncoding`'s.

    Example:

    >>> layer = ember.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))
    Array([[0, 2, 3, 1]], dtype=int32)
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ):
        super().__init__(name=name, dtype=dtype)
        where = f'Discretization "{self.name}"'
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"{where}: `output_mode` must be one of {list(OUTPUT_MODES)}."
                f" Received: output_mode={output_mode!r}"
            )
        if sparse:
            raise ValueError(
                f"{where}: ember has no sparse tensors; the output is a "
                "dense array. Received: sparse=True"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                f"{where}: set `num_bins` or `bin_boundaries`, not both. "
                f"Received: num_bins={num_bins} and "
                f"bin_boundaries={bin_boundaries}"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError(
                f"{where}: set either `num_bins` (and call `adapt`) or "
                "`bin_boundaries`."
            )
        if num_bins is not None and (
            isinstance(num_bins, bool)
            or not isinstance(num_bins, int | np.integer)
            or num_bins < 0
        ):
            raise ValueError(
                f"{where}: `num_bins` must be an integer >= 0. Received: "
                f"num_bins={num_bins!r}"
            )
        self.bin_boundaries = (
            None
            if bin_boundaries is None
            else self._checked_boundaries(bin_boundaries)
        )
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        # Floats are compared in floatx, whatever the policy, as in Keras.
        self.autocast = False
        self._shape_only = False
        self.summary = None if num_bins is None else _quantiles.empty_summary()
        self.built = True

    def _checked_boundaries(self, bin_boundaries: Any) -> list[float]:
        where = f'Discretization "{self.name}"'
        try:
            values = np.asarray(bin_boundaries, dtype="float64")
        except (TypeError, ValueError):
            values = None
        if values is None or values.ndim != 1:
            raise ValueError(
                f"{where}: `bin_boundaries` must be a list of numbers. "
                f"Received: bin_boundaries={bin_boundaries!r}"
            )
        if np.any(np.diff(values) < 0) or np.any(np.isnan(values)):
            raise ValueError(
                f"{where}: `bin_boundaries` must be sorted in increasing "
                f"order. Received: bin_boundaries={values.tolist()}"
            )
        return values.tolist()

    # -- adapt -------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Sets the bin boundaries to approximate quantiles of `data`.

        The `num_bins - 1` boundaries split the data into bins of about
        equal counts.

        Args:
            data: an array (one batch), or an iterable of batches (a list
                of arrays, a generator).
            steps: with an iterable, read at most this many batches.
        """
        where = f'Discretization "{self.name}"'
        if self.num_bins is None:
            raise ValueError(
                f"{where} was given `bin_boundaries`, so there is nothing "
                "to adapt; set `num_bins` instead to adapt."
            )
        if self.num_bins == 0 or not self.epsilon > 0:
            raise ValueError(
                f"{where}: adapt needs num_bins >= 1 and epsilon > 0. "
                f"Received: num_bins={self.num_bins}, "
                f"epsilon={self.epsilon}"
            )
        self.reset_state()
        if hasattr(data, "__iter__") and not isinstance(
            data, np.ndarray | jax.Array
        ):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            self.update_state(data)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Adds one batch to the quantile summary."""
        values = np.asarray(data).astype("float32")
        batch = _quantiles.summarize(values, self.epsilon)
        self.summary = _quantiles.merge(batch, self.summary, self.epsilon)

    def finalize_state(self) -> None:
        """Sets `bin_boundaries` from the quantile summary."""
        if self.num_bins is not None:
            self.bin_boundaries = _quantiles.bin_boundaries(
                self.summary, self.num_bins
            )

    def reset_state(self) -> None:
        """Forgets the data `update_state` summarized."""
        if self.num_bins is not None:
            self.summary = _quantiles.empty_summary()

    # -- calling -----------------------------------------------------------
    def call(self, inputs):
        inputs = jnp.asarray(inputs)
        if is_float(inputs.dtype):
            inputs = inputs.astype(ember_config.floatx())
        indices = jnp.digitize(inputs, self._boundaries_array())
        if self.output_mode == "int":
            return indices.astype("int32")
        return _categorical_jax.encode(
            indices,
            self.output_mode,
            self._depth(),
            self.compute_dtype,
        )

    def _depth(self) -> int:
        if self.bin_boundaries is None:
            return self.num_bins
        return len(self.bin_boundaries) + 1

    def _boundaries_array(self) -> jax.Array:
        boundaries = self.bin_boundaries
        if boundaries is None:
            if not self._shape_only:
                raise ValueError(
                    f'Discretization "{self.name}" has no bin boundaries: '
                    "pass `bin_boundaries` or call `adapt(data)` before "
                    "calling the layer."
                )
            # Before adapt, symbolic outputs get `num_bins` bins.
            boundaries = [0.0] * max(self.num_bins - 1, 0)
        return jnp.asarray(boundaries, dtype=ember_config.floatx())

    @contextlib.contextmanager
    def _tracing_shapes(self):
        """Lets symbolic calls through before `adapt` (shapes only)."""
        self._shape_only = True
        try:
            yield
        finally:
            self._shape_only = False

    def symbolic_call(self, *args, **kwargs):
        with self._tracing_shapes():
            return super().symbolic_call(*args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for an input shape."""
        with self._tracing_shapes():
            return super().compute_output_shape(input_shape)

    # -- config ------------------------------------------------------------
    def get_config(self) -> dict:
        """Returns the arguments, flat as in Keras (no base config)."""
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config: dict) -> "Discretization":
        """Rebuilds the layer; an adapted layer's config has both
        `bin_boundaries` and `num_bins`."""
        config = dict(config)
        boundaries = config.get("bin_boundaries")
        if boundaries is None or config.get("num_bins") is None:
            return cls(**config)
        config.pop("bin_boundaries")
        layer = cls(**config)
        layer.bin_boundaries = layer._checked_boundaries(boundaries)
        return layer
