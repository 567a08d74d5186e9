"""keras.datasets.fashion_mnist: Zalando's Fashion-MNIST, as Keras's loader returns it."""

from __future__ import annotations

from ...datasets.mnist import FASHION_MNIST, load_idx_dataset


def load_data():
    """Loads the Fashion-MNIST dataset: 60,000 28x28 grayscale training images of 10 fashion
    categories, and 10,000 test images; a drop-in replacement for MNIST.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot.

    The four original IDX files (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
    `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`) are read from
    `$DEEPLING_HOME/datasets/fashion-mnist/` (default `~/.deepling/datasets/fashion-mnist/`),
    and the missing ones are downloaded there (sha256-checked); offline, a `FileNotFoundError`
    says which files to put where.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`. `x_train`: uint8,
        shape `(60000, 28, 28)`; `y_train`: uint8 labels 0-9, shape `(60000,)`; `x_test`:
        uint8, `(10000, 28, 28)`; `y_test`: uint8, `(10000,)`.

    License: the copyright for Fashion-MNIST is held by Zalando SE; it is licensed under the
    MIT license (https://github.com/zalandoresearch/fashion-mnist/blob/master/LICENSE).
    """
    return load_idx_dataset(FASHION_MNIST)
