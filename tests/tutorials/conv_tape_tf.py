"""A convolution by hand, TensorFlow style: tf.Variable filters, tf.nn.conv2d with SAME
padding, tf.nn.bias_add, tf.nn.max_pool2d and a GradientTape loop learn to count the bright
pixels of 8x8 images that form a 2x2 square."""

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
images = (rng.random((64, 8, 8, 1)) < 0.3).astype("float32")
# the target: how many 2x2 squares of bright pixels each image holds
squares = images[:, :-1, :-1] * images[:, 1:, :-1] * images[:, :-1, 1:] * images[:, 1:, 1:]
target = squares.sum(axis=(1, 2, 3)).astype("float32")

filters = tf.Variable(rng.normal(0.0, 0.5, (2, 2, 1, 4)).astype("float32"))
bias = tf.Variable(np.zeros(4, "float32"))
weights = tf.Variable(rng.normal(0.0, 0.5, (4,)).astype("float32"))
optimizer = tf.keras.optimizers.Adam(0.05)
history = []
for _ in range(300):
    with tf.GradientTape() as tape:
        maps = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(images, filters, 1, "VALID"), bias))
        pooled = tf.nn.max_pool2d(maps, 1, 1, "SAME")  # a 1x1 pooling keeps every value
        counts = tf.reduce_sum(pooled * weights, axis=[1, 2, 3])
        loss = tf.reduce_mean(tf.square(counts - target))
    grads = tape.gradient(loss, [filters, bias, weights])
    optimizer.apply_gradients(zip(grads, [filters, bias, weights]))
    history.append(float(loss))
print(f"loss {history[0]:.3f} -> {history[-1]:.4f}")
