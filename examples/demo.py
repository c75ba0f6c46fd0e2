"""The main job: the founding CNN trained on real handwritten digits.

Loads MNIST from ../shared/data (the first 8,000 images train, the last
2,000 test; scikit-learn's bundled 8x8 digits, upscaled, when that folder is
absent), builds the founding CNN, prints its summary, trains it for 5
epochs, evaluates it, writes the training curves to
artifacts/training_curves.png (needs the `plot` extra) and saves the model
to artifacts/founding_cnn.keras, which it loads back and evaluates.
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
MNIST = ROOT.parent / "shared" / "data" / "mnist"


def _read_idx(path: pathlib.Path, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load_digits() -> tuple[np.ndarray, np.ndarray, str]:
    """Returns (images (N, 28, 28, 1) in [0, 1], labels (N,), source)."""
    images_path = MNIST / "t10k-images-idx3-ubyte.gz"
    if images_path.exists():
        images = _read_idx(images_path, 16).reshape(-1, 28, 28, 1)
        labels = _read_idx(MNIST / "t10k-labels-idx1-ubyte.gz", 8)
        return images.astype("float32") / 255.0, labels.astype("int32"), "MNIST"
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    small = digits.images.astype("float32") / 16.0
    images = np.kron(small, np.ones((3, 3), "float32"))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))[..., None]
    return images, digits.target.astype("int32"), "scikit-learn digits"


def _plot_curves(history: dict, path: pathlib.Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "Curves skipped: install the plot extra (pip install ember[plot])."
        )
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        axis.plot(history[metric], label="train")
        axis.plot(history[f"val_{metric}"], label="validation")
        axis.set_xlabel("epoch")
        axis.set_title(metric)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path)
    print(f"Training curves written to {path}")


def main() -> int:
    keras.utils.set_random_seed(0)
    x, y, source = load_digits()
    x_test, y_test = x[-2000:], y[-2000:]
    print(f"Data: {source}, {len(x)} images of shape {x.shape[1:]}")

    model = keras.Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.summary()

    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    x_train, y_train = x[: len(x) - len(x_test)], y[: len(x) - len(x_test)]
    history = model.fit(
        x_train, y_train, epochs=5, validation_data=(x_test, y_test)
    )
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy on {len(x_test)} images: {accuracy:.4f}")
    _plot_curves(history.history, ROOT / "artifacts" / "training_curves.png")
    path = ROOT / "artifacts" / "founding_cnn.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    _, reloaded_accuracy = reloaded.evaluate(x_test, y_test, verbose=0)
    print(
        f"Saved to {path} (Keras 3 can load it); reloaded test accuracy: "
        f"{reloaded_accuracy:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
