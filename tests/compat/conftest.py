"""The tests here compare ember with Keras 3 itself (on JAX: the root
conftest sets `KERAS_BACKEND`). Each is marked `compat`."""

import pathlib
import sys

import pytest
from jax._src.numpy import util as _jnp_util

_HERE = pathlib.Path(__file__).resolve().parent

# Keras' own saving converts its variables with a numpy 1 style call.
_KERAS_ARRAY_WARNING = (
    "ignore:__array__ implementation doesn't accept a copy keyword"
    ":DeprecationWarning"
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.compat)
            item.add_marker(pytest.mark.filterwarnings(_KERAS_ARRAY_WARNING))


_raise_on_rank_promotion = _jnp_util._rank_promotion_warning_or_error


def _raise_unless_keras(fun_name, shapes):
    """Keras' own JAX backend broadcasts across ranks inside `jnp` (its
    `ops.add(x, bias)` is `jnp.add`), so the root conftest's strict rank
    promotion is relaxed for calls made from Keras' modules. Calls from
    ember and from the tests still raise."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("keras."):
            return
        frame = frame.f_back
    _raise_on_rank_promotion(fun_name, shapes)


@pytest.fixture(autouse=True)
def _keras_may_promote_ranks(monkeypatch):
    monkeypatch.setattr(
        _jnp_util, "_rank_promotion_warning_or_error", _raise_unless_keras
    )
