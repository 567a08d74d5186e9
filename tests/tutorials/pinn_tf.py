"""Physics-informed network, TensorFlow style, without Keras: learn u(x) on [0, pi] with
u'' = -sin(x) and u(0) = u(pi) = 0 (the solution is sin x) from the equation alone.

The second derivative comes from two nested GradientTapes watching x; a third, outer tape
records all of it so that the residual's loss can be differentiated with respect to the
weights, which are plain tf.Variables updated by tf.optimizers.Adam.
"""

import math

import numpy as np
import tensorflow as tf

tf.random.set_seed(0)


def dense(n_in, n_out):
    """Glorot-normal weights and zero biases."""
    stddev = math.sqrt(2.0 / (n_in + n_out))
    w = tf.Variable(tf.random.normal([n_in, n_out], stddev=stddev))
    return w, tf.Variable(tf.zeros([n_out]))


layers = [dense(1, 16), dense(16, 16), dense(16, 1)]
variables = [v for layer in layers for v in layer]


def u(x):
    for i, (w, b) in enumerate(layers):
        x = tf.matmul(x, w) + b
        if i < len(layers) - 1:
            x = tf.tanh(x)
    return x


x = tf.constant(np.linspace(0, np.pi, 32, dtype=np.float32).reshape(-1, 1))
edges = tf.constant([[0.0], [math.pi]])
optimizer = tf.optimizers.Adam(learning_rate=0.01)

history = []
for step in range(300):
    with tf.GradientTape() as tape:
        with tf.GradientTape() as tape2:
            tape2.watch(x)
            with tf.GradientTape() as tape1:
                tape1.watch(x)
                u_x = u(x)
            du = tape1.gradient(u_x, x)
        d2u = tape2.gradient(du, x)
        residual = d2u + tf.sin(x)
        loss = tf.reduce_mean(tf.square(residual)) + tf.reduce_mean(tf.square(u(edges)))
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    history.append(float(loss))
    if step % 100 == 0:
        print(f"step {step:4d}  loss {float(loss):.6f}")

u_mid = float(u(tf.constant([[math.pi / 2]]))[0, 0])
grid = tf.constant(np.linspace(0, np.pi, 9, dtype=np.float32).reshape(-1, 1))
max_error = float(tf.reduce_max(tf.abs(u(grid) - tf.sin(grid))))
print(f"u(pi/2) = {u_mid:.4f} (exact 1), largest error on the grid {max_error:.4f}")
