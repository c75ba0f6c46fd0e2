"""The compiled forward pass behind `predict` and `predict_on_batch`.

A `PredictRunner` lives on the model (in `model._predict_function`; a new
`compile` replaces it, since it may change `run_eagerly`) and holds two
things that are costly to rebuild on every call, which matters most when
predicting one sample at a time:

- the jitted `(trainable, non_trainable, x) -> (outputs, non_trainable)`
  step around `model.predict_step`. `jax.jit` compiles it once per distinct
  input shape and dtype, as Keras does; a new shape is traced through the
  layers' own code, so their input checks (wrong rank, wrong feature count)
  raise as on any call.
- the variable lists of the state. Finding them walks every layer's
  attributes (about 0.3 ms on the founding CNN), so they are kept, with a
  fingerprint of what they were found from: the identity of each layer's
  attribute values, the length of the lists and dicts among them and each
  variable's `trainable` flag (about 15 us to recompute). When the
  fingerprint changes (a layer or variable was added or replaced, a
  `trainable` flag flipped) the lists are collected again, and when they
  differ the jitted step is rebuilt too, since a trace maps values to
  variables by position. The values themselves are read from the variables
  on every call, so assigning weights between calls is always seen.
"""

from typing import Any

import jax

from ember.training import sharding


def _fingerprint(layers: list, variables: list) -> list:
    """What the variable lists were found from (see the module docstring)."""
    parts: list = []
    for layer in layers:
        values = layer.__dict__.values()
        parts.extend(map(id, values))
        parts.extend([len(v) for v in values if type(v) in (list, dict)])
    parts.extend([v.trainable for v in variables])
    return parts


def _new_non_trainable(new_state: Any, non_trainable: list) -> list:
    """The non-trainable values a `predict_step` returned (Keras' form:
    `(outputs, non_trainable_values)`); anything else leaves them as
    they were."""
    if isinstance(new_state, list | tuple) and len(new_state) == len(
        non_trainable
    ):
        return list(new_state)
    return non_trainable


class PredictRunner:
    """The cached compiled step and variable lists of one model.

    Args:
        model: a built model.
    """

    def __init__(self, model):
        self._model = model
        # What `compile` made when the runner was; a new compile (which may
        # change `run_eagerly`) replaces the runner.
        self.compiled = getattr(model, "_compiled", None)
        self._eager = self.compiled is not None and self.compiled.run_eagerly
        self._layers: list = []
        self._fingerprint: list | None = None
        self._held: list = []
        self._trainable: list = []
        self._non_trainable: list = []
        self.function = None
        self._distribution = None  # What the function was traced under.

    def state(self) -> tuple[list, list]:
        """The current values `(trainable, non_trainable)`."""
        variables = self._trainable + self._non_trainable
        if (
            _fingerprint(self._layers, variables) != self._fingerprint
            or sharding.current_key() != self._distribution
        ):
            self._refresh()
        return tuple(
            sharding.place_values(group, [v.value for v in group])
            for group in (self._trainable, self._non_trainable)
        )

    def run(self, state: tuple, x: Any) -> tuple:
        """`(outputs, state)` for one batch `x`; outputs stay on device."""
        trainable, non_trainable = state
        x = sharding.from_processes(x)
        outputs, non_trainable = self.function(trainable, non_trainable, x)
        return sharding.to_process(outputs), (trainable, non_trainable)

    def write_back(self, state: tuple) -> None:
        """Assigns changed non-trainable values (e.g. seeds) back, as Keras
        does after `predict`."""
        for variable, value in zip(self._non_trainable, state[1], strict=True):
            if value is not variable.value:
                variable.assign(value)

    def _refresh(self) -> None:
        model = self._model
        trainable = model.trainable_variables
        non_trainable = model.non_trainable_variables
        same = _same(trainable, self._trainable) and _same(
            non_trainable, self._non_trainable
        )
        if (
            self.function is None
            or not same
            or sharding.current_key() != self._distribution
        ):
            self.function = self._make_function()
            self._distribution = sharding.current_key()
        self._trainable, self._non_trainable = trainable, non_trainable
        self._layers = [model, *model._flatten_layers()]
        # Holding the attribute values keeps their ids from being reused
        # by new objects while the fingerprint refers to them.
        self._held = [tuple(layer.__dict__.values()) for layer in self._layers]
        self._fingerprint = _fingerprint(
            self._layers, trainable + non_trainable
        )

    def _make_function(self):
        model = self._model

        def step(trainable, non_trainable, x):
            x = sharding.constrain_batch(x)
            outputs, new_state = model.predict_step(
                (trainable, non_trainable), (x,)
            )
            new_state = _new_non_trainable(new_state, non_trainable)
            if sharding.per_process_data():
                outputs = sharding.constrain_batch(outputs)
            return outputs, sharding.constrain_values(
                self._non_trainable, new_state
            )

        if not self._eager:
            return jax.jit(step)

        def eager_step(trainable, non_trainable, x):
            with jax.disable_jit():
                return step(trainable, non_trainable, x)

        return eager_step


def _same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def runner_for(model) -> PredictRunner:
    """The model's `PredictRunner`, made on first use."""
    runner = getattr(model, "_predict_function", None)
    if not isinstance(runner, PredictRunner) or runner.compiled is not getattr(
        model, "_compiled", None
    ):
        runner = PredictRunner(model)
        model._predict_function = runner
    return runner
