"""The Colab regression exercise, with validation curves (seed 003).

The steps of the class exercise, in Keras: make a data set, split it into training and test
sets, define and compile a model, fit it while holding out 20% of the training data for
validation, plot the training and validation loss per epoch, predict the test set, and read
the learned weights. A second, unused model shows how parameters are counted.
"""

import numpy as np
from sklearn.model_selection import train_test_split

import deepling.plot
from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.keras.layers import Dense
from deepling.keras.models import Sequential

TRUE_W, TRUE_B = 3.0, 2.0


def make_dataset(n=200, seed=0):
    """n points with x uniform in [-2, 2] and y = 3 x + 2 plus normal noise (sd 0.5)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)
    y = TRUE_W * x + TRUE_B + rng.normal(0, 0.5, size=n)
    return x, y


def build_models():
    model = Sequential([Dense(1, input_shape=(1,))])  # one unit: y = w x + b, 2 parameters
    model.summary()
    # Not trained: 3 inputs into 2 units hold 3 * 2 weights + 2 biases = 8 parameters.
    model2 = Sequential([Dense(2, input_shape=(3,))])
    model2.summary()
    return model


def main():
    keras.utils.set_random_seed(0)
    x, y = make_dataset()
    # 20% of the data is kept aside as a test set, never seen in training.
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
    model = build_models()
    model.compile(optimizer="sgd", loss="mse")  # SGD with Keras's default learning rate 0.01
    # validation_split=0.2: the last 20% of the training samples are not trained on; their
    # loss (val_loss), measured after each epoch, shows how well the model generalizes.
    history = model.fit(x_train, y_train, validation_split=0.2, epochs=epochs(100), verbose=0)
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    print(f"epoch 1: loss {loss[0]:.4f}, val_loss {val_loss[0]:.4f}")
    print(f"epoch {len(loss)}: loss {loss[-1]:.4f}, val_loss {val_loss[-1]:.4f}")
    test_mse = model.evaluate(x_test, y_test, verbose=0)
    print(f"test mse {test_mse:.4f} (the noise alone gives 0.25)")
    y_pred = model.predict(x_test, verbose=0)
    weights, bias = model.layers[0].get_weights()  # kernel (1, 1) and bias (1,)
    print(f"learned w = {weights[0, 0]:.4f}, b = {bias[0]:.4f} (true: {TRUE_W}, {TRUE_B})")
    plot(history, x_test, y_test, y_pred)


def plot(history, x_test, y_test, y_pred):
    fig = figure(10, 4)
    if fig is None:
        return
    left, right = fig.subplots(1, 2)
    # deepling.plot.history draws a History's curves: 'loss' for training, 'val_loss' dashed.
    deepling.plot.history(history, metrics=["loss"], ax=left)
    left.set(yscale="log", ylabel="MSE", title="Training and validation loss")
    right.scatter(x_test, y_test, s=12, label="test data")
    order = np.argsort(x_test)
    right.plot(x_test[order], y_pred.ravel()[order], "r", label="prediction")
    right.set(xlabel="x", ylabel="y", title="Test set")
    right.legend()
    save(fig, "colab_regression")


if __name__ == "__main__":
    main()
