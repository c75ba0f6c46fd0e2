"""SpatialDropout1D/2D/3D: whole channels kept or dropped."""

import numpy as np
import pytest

import ember
from ember import layers


@pytest.mark.parametrize(
    "cls, shape, data_format, spatial",
    [
        (layers.SpatialDropout1D, (20, 5, 8), None, (1,)),
        (layers.SpatialDropout2D, (20, 3, 4, 8), "channels_last", (1, 2)),
        (layers.SpatialDropout2D, (20, 8, 3, 4), "channels_first", (2, 3)),
        (layers.SpatialDropout3D, (20, 2, 3, 2, 8), "channels_last", (1, 2, 3)),
        (
            layers.SpatialDropout3D,
            (20, 8, 2, 3, 2),
            "channels_first",
            (2, 3, 4),
        ),
    ],
)
def test_channels_are_dropped_whole(cls, shape, data_format, spatial):
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = cls(0.5, seed=3, **kwargs)
    x = np.ones(shape, "float32")
    np.testing.assert_array_equal(layer(x), x)
    out = np.asarray(layer(x, training=True))
    index = tuple(
        slice(0, 1) if a in spatial else slice(None) for a in range(len(shape))
    )
    first = out[index]
    np.testing.assert_array_equal(out, np.broadcast_to(first, shape))
    assert set(np.unique(out)) == {0.0, 2.0}


def test_rank_is_checked_and_config_is_keras():
    with pytest.raises(ValueError, match=r'"sd".*rank 3.*\(2, 3\)'):
        layers.SpatialDropout1D(0.5, name="sd")(np.ones((2, 3), "float32"))
    layer = layers.SpatialDropout2D(0.2, data_format="channels_first", seed=1)
    config = layer.get_config()
    assert set(config) == {"rate", "seed", "name", "dtype", "data_format"}
    assert layers.SpatialDropout2D.from_config(config).get_config() == config
    assert layer(ember.Input((2, 3, 3))).shape == (None, 2, 3, 3)
    with pytest.raises(ValueError, match="rate=2"):
        layers.SpatialDropout3D(2)
