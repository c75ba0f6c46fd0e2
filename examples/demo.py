"""The main job: the founding CNN on real handwritten digits.

Today (foundation only) it loads MNIST from ../shared/data (or scikit-learn's
bundled 8x8 digits, upscaled, when that folder is absent), builds the
founding CNN, prints its summary and runs it on the test images. Training
(compile / fit / evaluate), the saved model and the curves arrive with the
training issue; the script says so instead of pretending.
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

    probabilities = np.concatenate(
        [np.asarray(model(x_test[i : i + 500])) for i in range(0, 2000, 500)]
    )
    accuracy = float(np.mean(probabilities.argmax(axis=-1) == y_test))
    print(f"Untrained test accuracy on {len(x_test)} images: {accuracy:.3f}")
    print(
        "Training (compile/fit/evaluate), saving and the training curves "
        "are not implemented yet: they land with the training issue."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
