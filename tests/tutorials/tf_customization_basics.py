"""TensorFlow's "Customization basics: tensors and operations", then a custom layer trained on
a tf.data pipeline. Written for TensorFlow 2; the test runs it with deepling's imports."""

import numpy as np
import tensorflow as tf

print(tf.__version__)
print(tf.config.list_physical_devices("GPU"))
print(tf.executing_eagerly())

# --- tensors and operations ---
print(tf.math.add(1, 2))
print(tf.math.add([1, 2], [3, 4]))
print(tf.math.square(5))
print(tf.math.reduce_sum([1, 2, 3]))
print(tf.math.square(2) + tf.math.square(3))  # operator overloading
x = tf.linalg.matmul([[1]], [[2, 3]])
print(x)
print(x.shape)
print(x.dtype)
added = tf.math.add(1, 2)
squared_sum = tf.math.square(2) + tf.math.square(3)

# --- NumPy compatibility ---
ndarray = np.ones([3, 3])
tensor = tf.math.multiply(ndarray, 42)
print(tensor)
print(np.add(tensor, 1))
print(tensor.numpy())

# --- datasets ---
ds_tensors = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6])
ds_tensors = ds_tensors.map(tf.math.square).shuffle(2).batch(2)
print("Elements of ds_tensors:")
batches = []
for batch in ds_tensors:
    print(batch)
    batches.append(batch.numpy().tolist())


# --- a custom layer, trained on a dataset ---
class Linear(tf.keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


rng = np.random.default_rng(0)
features = rng.normal(size=(256, 3)).astype("float32")
targets = features @ np.array([[1.5], [-2.0], [0.5]], "float32") + 1.0
train = tf.data.Dataset.from_tensor_slices((features, targets)).shuffle(256).batch(32)
layer = Linear(1)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
history = []
for _ in range(20):
    total = 0.0
    for x_batch, y_batch in train:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x_batch) - y_batch))
        grads = tape.gradient(loss, layer.trainable_weights)
        optimizer.apply_gradients(zip(grads, layer.trainable_weights))
        total += float(loss)
    history.append(total / len(train))
print("first and last epoch loss:", history[0], history[-1])
