"""keras.datasets.mnist: the MNIST handwritten digits, as Keras's loader returns them."""

from __future__ import annotations

from ...datasets.mnist import MNIST, load_idx_dataset


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset: 60,000 28x28 grayscale training images of the 10 digits, and
    10,000 test images.

    The four original IDX files (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
    `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`) are read from
    `$DEEPLING_HOME/datasets/mnist/` (default `~/.deepling/datasets/mnist/`). When they are not
    all there but Keras's `mnist.npz` is, that file is read instead, once its sha256 is the one
    Keras pins (731c5ac6...; another file raises a ChecksumError naming both values). Otherwise the missing IDX
    files are downloaded there (sha256-checked); offline, a `FileNotFoundError` says which files
    to put where.

    Args:
        path: name of Keras's `.npz` file, relative to `$DEEPLING_HOME/datasets/mnist/`
            (an absolute path is used as it is).

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`. `x_train`: uint8,
        shape `(60000, 28, 28)`, pixel values 0 to 255; `y_train`: uint8 digit labels 0-9,
        shape `(60000,)`; `x_test`: uint8, `(10000, 28, 28)`; `y_test`: uint8, `(10000,)`.

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of
    the NIST data sets; it is usually distributed under CC BY-SA 3.0.

    Example:
        >>> from deepling.keras.datasets import mnist
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
        >>> x_train.shape, y_test.shape
        ((60000, 28, 28), (10000,))
    """
    return load_idx_dataset(MNIST, npz=path)
