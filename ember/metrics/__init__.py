"""ember.metrics: stateful metrics with pure twins, and get / serialize."""

import inspect
from collections.abc import Callable
from typing import Any

from ember.core.family import Family
from ember.core.family import register
from ember.core.lookup import unknown_identifier_error
from ember.core.naming import to_snake_case
from ember.losses import binary_crossentropy
from ember.losses import categorical_crossentropy
from ember.losses import categorical_hinge
from ember.losses import hinge
from ember.losses import huber
from ember.losses import kl_divergence
from ember.losses import log_cosh
from ember.losses import mean_absolute_percentage_error
from ember.losses import mean_squared_logarithmic_error
from ember.losses import poisson
from ember.losses import sparse_categorical_crossentropy
from ember.losses import squared_hinge
from ember.metrics.accuracy_metrics import Accuracy
from ember.metrics.accuracy_metrics import BinaryAccuracy
from ember.metrics.accuracy_metrics import CategoricalAccuracy
from ember.metrics.accuracy_metrics import SparseCategoricalAccuracy
from ember.metrics.accuracy_metrics import SparseTopKCategoricalAccuracy
from ember.metrics.accuracy_metrics import TopKCategoricalAccuracy
from ember.metrics.accuracy_metrics import accuracy
from ember.metrics.accuracy_metrics import binary_accuracy
from ember.metrics.accuracy_metrics import categorical_accuracy
from ember.metrics.accuracy_metrics import sparse_categorical_accuracy
from ember.metrics.accuracy_metrics import sparse_top_k_categorical_accuracy
from ember.metrics.accuracy_metrics import top_k_categorical_accuracy
from ember.metrics.auc import AUC
from ember.metrics.confusion_metrics import FalseNegatives
from ember.metrics.confusion_metrics import FalsePositives
from ember.metrics.confusion_metrics import Precision
from ember.metrics.confusion_metrics import Recall
from ember.metrics.confusion_metrics import TrueNegatives
from ember.metrics.confusion_metrics import TruePositives
from ember.metrics.correlation_metrics import ConcordanceCorrelation
from ember.metrics.correlation_metrics import PearsonCorrelation
from ember.metrics.correlation_metrics import concordance_correlation
from ember.metrics.correlation_metrics import pearson_correlation
from ember.metrics.f_score_metrics import F1Score
from ember.metrics.f_score_metrics import FBetaScore
from ember.metrics.hinge_metrics import CategoricalHinge
from ember.metrics.hinge_metrics import Hinge
from ember.metrics.hinge_metrics import SquaredHinge
from ember.metrics.iou_metrics import BinaryIoU
from ember.metrics.iou_metrics import IoU
from ember.metrics.iou_metrics import MeanIoU
from ember.metrics.iou_metrics import OneHotIoU
from ember.metrics.iou_metrics import OneHotMeanIoU
from ember.metrics.metric import Metric
from ember.metrics.probabilistic_metrics import BinaryCrossentropy
from ember.metrics.probabilistic_metrics import CategoricalCrossentropy
from ember.metrics.probabilistic_metrics import KLDivergence
from ember.metrics.probabilistic_metrics import Poisson
from ember.metrics.probabilistic_metrics import SparseCategoricalCrossentropy
from ember.metrics.r2_score import R2Score
from ember.metrics.reduction_metrics import Mean
from ember.metrics.reduction_metrics import MeanMetricWrapper
from ember.metrics.reduction_metrics import Sum
from ember.metrics.regression_metrics import CosineSimilarity
from ember.metrics.regression_metrics import LogCoshError
from ember.metrics.regression_metrics import MeanAbsoluteError
from ember.metrics.regression_metrics import MeanAbsolutePercentageError
from ember.metrics.regression_metrics import MeanSquaredError
from ember.metrics.regression_metrics import MeanSquaredLogarithmicError
from ember.metrics.regression_metrics import RootMeanSquaredError
from ember.metrics.regression_metrics import mean_absolute_error
from ember.metrics.regression_metrics import mean_squared_error
from ember.metrics.sensitivity_metrics import PrecisionAtRecall
from ember.metrics.sensitivity_metrics import RecallAtPrecision
from ember.metrics.sensitivity_metrics import SensitivityAtSpecificity
from ember.metrics.sensitivity_metrics import SpecificityAtSensitivity

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_CLASSES = (
    Mean,
    Sum,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    # Confusion-matrix metrics.
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    # F-scores.
    F1Score,
    FBetaScore,
    # Regression, correlation, hinge, probabilistic and IoU metrics.
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    ConcordanceCorrelation,
    PearsonCorrelation,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)
_ALIASES: dict[str, Any] = {
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
    "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError,
}
_FUNCTIONS = (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    mean_squared_error,
    mean_absolute_error,
    # The loss and correlation functions Keras exports from keras.metrics.
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    categorical_hinge,
    hinge,
    squared_hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    poisson,
    concordance_correlation,
    pearson_correlation,
)
_FAMILY = register(
    Family(
        "metric",
        "keras.metrics",
        _CLASSES,
        _FUNCTIONS,
        _ALIASES,
        hidden=(Metric, MeanMetricWrapper),
        function_aliases={
            "mse": mean_squared_error,
            "mae": mean_absolute_error,
        },
        instantiate="get",
    )
)


def get_function(name: str) -> Callable:
    """Returns the metric function called `name` (e.g. `"accuracy"`).

    Raises:
        ValueError: if no metric function has that name.
    """
    found = _FAMILY.function_names.get(name)
    if found is None:
        raise unknown_identifier_error(
            "metric function", name, _FAMILY.function_names
        )
    return found


def serialize(metric: Any) -> Any:
    """Returns the Keras config dict of a metric, as Keras writes it.

    A built-in class is written under `keras.metrics`; a user class under
    its registered name (`"my_package>MyMetric"`), else its class name; a
    function as a `"function"` entry naming it (by its registered name if
    it has one).

    Example:

    >>> serialize(Mean(name="m"))["class_name"]
    'Mean'
    """
    return _FAMILY.serialize(metric)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Builds a metric from a name or a Keras config dict.

    Example:

    >>> deserialize({"class_name": "Sum", "config": {"name": "s"}}).name
    's'
    """
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """Resolves a metric from None, a name, a config dict, a class or callable.

    Names are class names (`"CategoricalAccuracy"`), their snake-case form
    (`"categorical_accuracy"`) or the short names `"mse"`, `"mae"`,
    `"mape"`, `"msle"` and `"bce"` (or upper-cased); a class
    is instantiated with its defaults. Choosing the right accuracy for a
    bare `"accuracy"` from the loss is the trainer's job, not this one's.

    Raises:
        ValueError: for an unknown name (suggesting the closest ones) or an
            object that is not a metric.

    Example:

    >>> get("mse").name
    'mean_squared_error'
    """
    return _FAMILY.get(identifier)


__all__ = [
    "Accuracy",
    "accuracy",
    "AUC",
    "binary_accuracy",
    "binary_crossentropy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_hinge",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "concordance_correlation",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "deserialize",
    "F1Score",
    "FalseNegatives",
    "FalsePositives",
    "FBetaScore",
    "get",
    "get_function",
    "Hinge",
    "hinge",
    "huber",
    "IoU",
    "kl_divergence",
    "KLDivergence",
    "log_cosh",
    "LogCoshError",
    "MAE",
    "mae",
    "Mean",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "MSE",
    "mse",
    "OneHotIoU",
    "OneHotMeanIoU",
    "pearson_correlation",
    "PearsonCorrelation",
    "Poisson",
    "poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "squared_hinge",
    "SquaredHinge",
    "Sum",
    "top_k_categorical_accuracy",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
]
# Regression, IoU, correlation, hinge and probabilistic metrics.
