"""keras.datasets.cifar10: CIFAR-10, with Keras's shapes, read from the binary release."""

from __future__ import annotations

from ...datasets import cifar
from ..layers.conv_utils import image_data_format


def load_data():
    """Loads the CIFAR10 dataset: 50,000 32x32 colour training images and 10,000 test images
    of 10 classes (0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse,
    8 ship, 9 truck).

    The binary release's six batch files are read from
    `$DEEPLING_HOME/datasets/cifar-10/cifar-10-batches-bin/` (default `~/.deepling/...`);
    when missing, `cifar-10-binary.tar.gz` is downloaded there (sha256-checked) and unpacked.
    Offline, a `FileNotFoundError` names the files and the folder. (Keras downloads the
    Python release, whose pickle files deepling does not read; the values are the same.)

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`. `x_train`: uint8,
        shape `(50000, 32, 32, 3)` (or `(50000, 3, 32, 32)` when the image data format is
        'channels_first'); `y_train`: uint8 labels 0-9, shape `(50000, 1)`; `x_test`:
        `(10000, 32, 32, 3)`; `y_test`: `(10000, 1)`.

    Example:
        >>> from deepling.keras.datasets import cifar10
        >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1))
    """
    (x_train, y_train), (x_test, y_test) = cifar.load()
    if image_data_format() == "channels_first":
        x_train, x_test = x_train.transpose(0, 3, 1, 2), x_test.transpose(0, 3, 1, 2)
    return (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))
