import jax
import numpy as np
import pytest

from ember import metrics

# Confusion matrix (rows: targets) [[1, 0, 0], [0, 1, 1], [0, 0, 1]]:
# IoU of class 0 is 1/1, of class 1 is 1/2, of class 2 is 1/2.
Y_TRUE = np.array([0, 1, 1, 2])
Y_PRED = np.array([0, 1, 2, 2])


def test_iou_of_target_classes_over_batches():
    m = metrics.IoU(num_classes=3, target_class_ids=[1, 2])
    assert (m.name, m.dtype) == ("io_u", "int32")
    m.update_state(Y_TRUE[:2], Y_PRED[:2])
    m.update_state(Y_TRUE[2:], Y_PRED[2:])
    np.testing.assert_array_equal(
        m.total_cm.numpy(), [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    )
    assert float(m.result()) == pytest.approx(0.5, rel=1e-6)


def test_mean_iou_sample_weight_and_ignore_class():
    m = metrics.MeanIoU(num_classes=3)
    m.update_state(Y_TRUE, Y_PRED)
    assert float(m.result()) == pytest.approx(2.0 / 3.0, rel=1e-6)
    m.reset_state()
    # Weights [2, 1, 0, 3]: cm [[2, 0, 0], [0, 1, 0], [0, 0, 3]].
    m.update_state(Y_TRUE, Y_PRED, sample_weight=np.array([2, 1, 0, 3]))
    assert float(m.result()) == pytest.approx(1.0, rel=1e-6)
    m = metrics.MeanIoU(num_classes=3, ignore_class=1)
    m.update_state(Y_TRUE, Y_PRED)  # class 1 never counted: absent
    assert float(m.result()) == pytest.approx(1.0, rel=1e-6)


def test_out_of_range_ids_are_left_out():
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 1, 5, -1, 1], [0, 1, 1, 0, 7])
    np.testing.assert_array_equal(m.total_cm.numpy(), [[1, 0], [0, 1]])
    assert float(m.result()) == pytest.approx(1.0, rel=1e-6)


def test_empty_and_absent_classes():
    m = metrics.IoU(num_classes=3, target_class_ids=[2])
    assert float(m.result()) == 0.0
    m.update_state([0, 1], [0, 0])  # class 2 absent: nothing to average
    assert float(m.result()) == 0.0


def test_dense_inputs_and_axis():
    y_true = np.eye(3)[Y_TRUE]
    scores = np.eye(3)[Y_PRED] * 0.6 + 0.1
    m = metrics.MeanIoU(3, sparse_y_true=False, sparse_y_pred=False)
    m.update_state(y_true, scores)
    assert float(m.result()) == pytest.approx(2.0 / 3.0, rel=1e-6)
    m = metrics.OneHotMeanIoU(3, axis=0)
    m.update_state(y_true.T, scores.T)
    assert float(m.result()) == pytest.approx(2.0 / 3.0, rel=1e-6)
    m = metrics.OneHotIoU(3, target_class_ids=[0], sparse_y_pred=True)
    m.update_state(y_true, Y_PRED)
    assert float(m.result()) == pytest.approx(1.0, rel=1e-6)


def test_binary_iou_threshold():
    m = metrics.BinaryIoU(target_class_ids=[1], threshold=0.3)
    # Predicted [0, 0, 1, 1]: class 1 has TP 1, FP 1, FN 1.
    m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    assert float(m.result()) == pytest.approx(1.0 / 3.0, rel=1e-6)
    m = metrics.BinaryIoU()  # classes 0 and 1, threshold 0.5 inclusive
    m.update_state([0, 1], [0.5, 0.5])  # class 0: 0/1, class 1: 1/2
    assert float(m.result()) == pytest.approx(0.25, rel=1e-6)


def test_float_weights_warn_eagerly_and_truncate():
    m = metrics.MeanIoU(num_classes=2)
    with pytest.warns(UserWarning, match="weight as `float`"):
        m.update_state([0, 1], [0, 1], sample_weight=np.array([1.5, 0.5]))
    np.testing.assert_array_equal(m.total_cm.numpy(), [[1, 0], [0, 0]])
    m = metrics.MeanIoU(num_classes=2, dtype="float32")
    m.update_state([0, 1], [0, 1], sample_weight=np.array([1.5, 0.5]))
    np.testing.assert_allclose(m.total_cm.numpy(), [[1.5, 0], [0, 0.5]])


def test_stateless_under_jit_with_a_padding_mask():
    m = metrics.MeanIoU(num_classes=3)
    update = jax.jit(m.stateless_update_state)
    values = m.stateless_reset_state()
    mask = np.array([1, 1, 1, 1, 0, 0], "float32")  # no warning when traced
    padded_true = np.concatenate([Y_TRUE, [0, 0]])
    padded_pred = np.concatenate([Y_PRED, [2, 1]])
    values = update(values, padded_true, padded_pred, mask)
    assert float(m.stateless_result(values)) == pytest.approx(2.0 / 3.0)
    assert int(np.sum(m.total_cm.numpy())) == 0


def test_invalid_arguments():
    with pytest.raises(ValueError, match=r"IoU 'iou'.*\[0, 3\).*\[3\]"):
        metrics.IoU(num_classes=3, target_class_ids=[3], name="iou")
    with pytest.raises(ValueError, match="num_classes=0"):
        metrics.MeanIoU(num_classes=0)
    with pytest.raises(ValueError, match="at least one class"):
        metrics.IoU(num_classes=2, target_class_ids=[])


@pytest.mark.parametrize(
    "metric, config",
    [
        (
            metrics.IoU(4, [1, 3], name="a", ignore_class=0),
            {
                "name": "a",
                "dtype": "int32",
                "num_classes": 4,
                "target_class_ids": [1, 3],
                "ignore_class": 0,
                "sparse_y_true": True,
                "sparse_y_pred": True,
                "axis": -1,
            },
        ),
        (
            metrics.BinaryIoU([1], 0.2, name="b"),
            {
                "target_class_ids": [1],
                "threshold": 0.2,
                "name": "b",
                "dtype": "int32",
            },
        ),
        (
            metrics.MeanIoU(3, name="c", sparse_y_pred=False, axis=1),
            {
                "num_classes": 3,
                "name": "c",
                "dtype": "int32",
                "ignore_class": None,
                "sparse_y_true": True,
                "sparse_y_pred": False,
                "axis": 1,
            },
        ),
        (
            metrics.OneHotIoU(3, [0], name="d"),
            {
                "num_classes": 3,
                "target_class_ids": [0],
                "name": "d",
                "dtype": "int32",
                "ignore_class": None,
                "sparse_y_pred": False,
                "axis": -1,
            },
        ),
        (
            metrics.OneHotMeanIoU(3, name="e", dtype="float32"),
            {
                "num_classes": 3,
                "name": "e",
                "dtype": "float32",
                "ignore_class": None,
                "sparse_y_pred": False,
                "axis": -1,
            },
        ),
    ],
)
def test_config_round_trip(metric, config):
    assert metric.get_config() == config
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric)
    assert clone.get_config() == config


def test_snake_case_ids():
    assert metrics.deserialize("one_hot_mean_io_u") is metrics.OneHotMeanIoU
    assert metrics.deserialize("BinaryIoU") is metrics.BinaryIoU
    assert type(metrics.get("binary_io_u")) is metrics.BinaryIoU
