"""The main job: the founding CNN trained on real handwritten digits.

Data, first found first used (the run prints which):
1. `ember.datasets.mnist.load_data()`: Keras' MNIST (60,000 + 10,000
   digits), from the Keras cache or downloaded from Keras' storage;
2. without network, the MNIST test set in ../shared/data/mnist (the first
   8,000 images train, the last 2,000 test);
3. else scikit-learn's 1,797 bundled 8x8 digits, upscaled to 28x28 and
   split 80/20, stratified by class with a fixed seed.

It builds the founding CNN, prints its summary, trains it for 5 epochs,
prints the test accuracy and a per-class precision / recall / F1 table
(computed with `ember.metrics.Precision`, `Recall` and `F1Score`),
writes artifacts/model.png (a picture of the model, by
`ember.utils.plot_model`), artifacts/training_curves.png and
artifacts/confusion_matrix.png (all need the `plot` extra), saves the
model to artifacts/founding_cnn.keras, which it loads back and evaluates,
and exports it to artifacts/founding_cnn_stablehlo.zip and
artifacts/founding_cnn.onnx (the `export` and `onnx` extras), checking
both files against `predict`.
"""

import gzip
import pathlib
import sys

import numpy as np

import ember as keras
from ember.layers import Conv2D
from ember.layers import Dense
from ember.layers import Flatten
from ember.layers import MaxPooling2D

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
ARTIFACTS = ROOT / "artifacts"
NUM_CLASSES = 10


def _read_idx(path: pathlib.Path, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def shared_mnist(folder: pathlib.Path = SHARED_MNIST):
    """The MNIST test set of `folder` split 8,000 / 2,000, or `None`."""
    images_path = folder / "t10k-images-idx3-ubyte.gz"
    labels_path = folder / "t10k-labels-idx1-ubyte.gz"
    if not (images_path.exists() and labels_path.exists()):
        return None
    images = _read_idx(images_path, 16).reshape(-1, 28, 28)
    labels = _read_idx(labels_path, 8)
    return (images[:8000], labels[:8000]), (images[-2000:], labels[-2000:])


def stratified_split(labels, test_fraction: float = 0.2, seed: int = 0):
    """Returns (train indices, test indices): in each class, a seeded
    shuffle, then `round(count * test_fraction)` samples go to test."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        cut = int(round(len(members) * test_fraction))
        test.append(members[:cut])
        train.append(members[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def sklearn_digits(test_fraction: float = 0.2, seed: int = 0):
    """scikit-learn's 8x8 digits, upscaled 3x and padded to 28x28 with
    pixels in [0, 255], split by `stratified_split`."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    small = digits.images / 16.0 * 255.0
    images = np.kron(small, np.ones((3, 3)))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2))).round()
    images, labels = images.astype(np.uint8), digits.target.astype(np.uint8)
    train, test = stratified_split(labels, test_fraction, seed)
    return (images[train], labels[train]), (images[test], labels[test])


def load_digits():
    """Returns `(x_train, y_train), (x_test, y_test), source`: images of
    shape (N, 28, 28, 1) in [0, 1] and int32 labels."""
    try:
        data = keras.datasets.mnist.load_data()
        source = "MNIST"
    except (OSError, ValueError) as error:
        print(f"Keras' MNIST is not available: {error}")
        data = shared_mnist(SHARED_MNIST)
        source = "MNIST test set"
        if data is None:
            print(f"No MNIST files in {SHARED_MNIST} either.")
            data = sklearn_digits()
            source = "scikit-learn digits"
        else:
            print(f"Using the MNIST test set in {SHARED_MNIST}.")
    (x_train, y_train), (x_test, y_test) = data

    def prepare(x, y):
        x = x.astype("float32")[..., None] / 255.0
        return x, y.astype("int32")

    return prepare(x_train, y_train), prepare(x_test, y_test), source


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """Counts, rows the true class and columns the predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def per_class_scores(labels, probabilities):
    """Precision, recall, F1 and support per class, by ember's own metrics.

    Each prediction is the most probable class (`top_k=1` for precision and
    recall, `threshold=None` for F1Score); a ratio with no sample is 0.
    """
    num_classes = probabilities.shape[-1]
    one_hot = keras.utils.to_categorical(labels, num_classes)

    def score(metric):
        metric.update_state(one_hot, probabilities)
        return np.asarray(metric.result(), dtype=np.float64)

    precision = np.array(
        [
            score(keras.metrics.Precision(top_k=1, class_id=k))
            for k in range(num_classes)
        ]
    )
    recall = np.array(
        [
            score(keras.metrics.Recall(top_k=1, class_id=k))
            for k in range(num_classes)
        ]
    )
    f1 = score(keras.metrics.F1Score(average=None))
    support = one_hot.sum(axis=0).astype(np.int64)
    return precision, recall, f1, support


def print_report(labels, probabilities) -> None:
    precision, recall, f1, support = per_class_scores(labels, probabilities)
    print(
        f"{'class':>9} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}"
    )
    for label in range(len(support)):
        print(
            f"{label:>9} {precision[label]:9.4f} {recall[label]:9.4f} "
            f"{f1[label]:9.4f} {support[label]:8d}"
        )
    print(
        f"{'macro avg':>9} {precision.mean():9.4f} {recall.mean():9.4f} "
        f"{f1.mean():9.4f} {support.sum():8d}"
    )


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "Pictures skipped: install the plot extra "
            "(pip install ember[plot])."
        )
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return plt


def plot_curves(history: dict, title: str, path: pathlib.Path) -> None:
    plt = _pyplot()
    if plt is None:
        return
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        axis.plot(epochs, history[metric], "o-", label="train")
        axis.plot(epochs, history[f"val_{metric}"], "o-", label="test")
        axis.set_xticks(epochs)
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    print(f"Training curves written to {path}")


def plot_confusion(matrix: np.ndarray, title: str, path: pathlib.Path) -> None:
    plt = _pyplot()
    if plt is None:
        return
    figure, axis = plt.subplots(figsize=(6.5, 5.5))
    image = axis.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axis, label="images")
    ticks = np.arange(len(matrix))
    axis.set_xticks(ticks)
    axis.set_yticks(ticks)
    axis.set_xlabel("predicted digit")
    axis.set_ylabel("true digit")
    threshold = matrix.max() / 2
    for (row, column), count in np.ndenumerate(matrix):
        axis.text(
            column,
            row,
            str(count),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if count > threshold else "black",
        )
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    print(f"Confusion matrix written to {path}")


def plot_architecture(model, path: pathlib.Path) -> None:
    """Draws the model with its shapes and activations; says so and goes
    on when no Graphviz renderer is installed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        keras.utils.plot_model(
            model,
            to_file=str(path),
            show_shapes=True,
            show_layer_activations=True,
        )
    except (ImportError, RuntimeError, OSError) as error:
        print(f"Model picture skipped: {error}")
        return
    print(f"Model picture written to {path}")


def export_and_check(model, x: np.ndarray) -> None:
    """Exports the model to StableHLO and ONNX and checks that the files
    give `predict`'s outputs; says so and goes on when an extra is missing.
    """
    expected = model.predict(x, verbose=0)
    for label, path, fmt, run in (
        ("StableHLO", "founding_cnn_stablehlo.zip", "stablehlo", _stablehlo),
        ("ONNX", "founding_cnn.onnx", "onnx", _onnx),
    ):
        path = ARTIFACTS / path
        try:
            model.export(str(path), format=fmt, verbose=False)
            outputs = run(path, x)
        except ImportError as error:
            print(f"{label} export skipped: {error}")
            continue
        difference = float(np.max(np.abs(outputs - expected)))
        if difference > 1e-4:
            raise RuntimeError(
                f"The {label} export of {path} differs from predict by "
                f"{difference:.2e}."
            )
        print(
            f"{label} export written to {path}; on {len(x)} test images it "
            f"matches predict within {difference:.1e}"
        )


def _stablehlo(path: pathlib.Path, x: np.ndarray) -> np.ndarray:
    return np.asarray(keras.export.load(str(path))(x))


def _onnx(path: pathlib.Path, x: np.ndarray) -> np.ndarray:
    try:
        import onnxruntime
    except ImportError as error:
        raise ImportError(
            "checking the file needs onnxruntime (pip install onnxruntime)"
        ) from error
    session = onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return session.run(None, {name: x.astype(np.float32)})[0]


def build_model():
    return keras.Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(NUM_CLASSES, activation="softmax"),
        ]
    )


def main() -> int:
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test), source = load_digits()
    print(
        f"Data: {source}; {len(x_train)} training and {len(x_test)} test "
        f"images of shape {x_train.shape[1:]}"
    )

    model = build_model()
    model.summary()
    plot_architecture(model, ARTIFACTS / "model.png")
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train, y_train, epochs=5, validation_data=(x_test, y_test)
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy on {len(x_test)} images: {accuracy:.4f}")

    probabilities = model.predict(x_test, verbose=0)
    print_report(y_test, probabilities)
    matrix = confusion_matrix(y_test, probabilities.argmax(-1), NUM_CLASSES)
    title = f"Founding CNN on {source}: test accuracy {accuracy:.4f}"
    plot_curves(history.history, title, ARTIFACTS / "training_curves.png")
    plot_confusion(
        matrix,
        f"Founding CNN on {source}: {len(x_test)} test images\n"
        f"test accuracy {accuracy:.4f}",
        ARTIFACTS / "confusion_matrix.png",
    )

    path = ARTIFACTS / "founding_cnn.keras"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    model.save(path)
    reloaded = keras.saving.load_model(path)
    _, reloaded_accuracy = reloaded.evaluate(x_test, y_test, verbose=0)
    print(
        f"Saved to {path} (Keras 3 can load it); reloaded test accuracy: "
        f"{reloaded_accuracy:.4f}"
    )
    export_and_check(model, x_test[:512])
    return 0


if __name__ == "__main__":
    sys.exit(main())
