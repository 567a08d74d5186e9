"""Seed 000, section 2: linear regression with tf.Variable, GradientTape and
tf.optimizers.SGD(0.01), run with only `import deepling.tf as tf`, reaches the printed numbers."""

import numpy as np

import deepling.tf as tf


def test_seed000_linear_regression_with_sgd_matches_the_printed_run():
    w = tf.Variable(4.0)
    b = tf.Variable(1.0)

    def hypothesis(x):
        return w * x + b

    assert hypothesis([3.5, 5, 5.5, 6]).numpy().tolist() == [15.0, 21.0, 23.0, 25.0]

    def mse_loss(y_pred, y):
        return tf.reduce_mean(tf.square(y_pred - y))

    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    y = [11, 22, 33, 44, 53, 66, 77, 87, 95]
    optimizer = tf.optimizers.SGD(0.01)
    printed = {}
    for i in range(301):
        with tf.GradientTape() as tape:
            y_pred = hypothesis(x)
            cost = mse_loss(y_pred, y)
        gradients = tape.gradient(cost, [w, b])
        optimizer.apply_gradients(zip(gradients, [w, b]))
        if i % 10 == 0:
            printed[i] = "{:5.4f} | {:5.4} | {:5.6f}".format(w.numpy(), b.numpy(), cost)  # noqa: UP032

    # the tutorial's own format strings, compared as the text it printed
    assert printed[0] == "8.2133 | 1.664 | 1402.555542"
    assert printed[280] == "10.6221 | 1.191 | 1.091434"
    assert printed[290] == "10.6245 | 1.176 | 1.088940"
    assert printed[300] == "10.6269 | 1.161 | 1.086645"
    assert optimizer.iterations == 301
    np.testing.assert_allclose(
        hypothesis([3.5, 5, 5.5, 6]).numpy(), [38.35479, 54.295143, 59.608593, 64.92204], rtol=1e-6
    )
    assert hypothesis([3.5, 5, 5.5, 6]).numpy().dtype == np.float32
