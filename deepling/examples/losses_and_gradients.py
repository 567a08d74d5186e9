"""Cross-entropy vs MSE, and numerical vs analytic gradients (seed 004).

A loss function tells the network how wrong it is: mean squared error for predicting numbers,
cross-entropy for predicting classes. This example computes both by hand, shows with autograd
why classification uses cross-entropy (MSE's gradient vanishes when the model is confidently
wrong), then checks backpropagation's gradient against the slow, simple numerical one, and
finally trains the book's small softmax network with Keras.
"""

import numpy as np

import deepling as dl
from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.keras.layers import Dense
from deepling.keras.models import Sequential


def softmax(a):
    """exp(a) / sum(exp(a)); subtracting the maximum first keeps exp from overflowing."""
    exp_a = np.exp(a - np.max(a))
    return exp_a / np.sum(exp_a)


def cross_entropy_error(y, t):
    delta = 1e-7  # log(0) is minus infinity: a tiny number keeps the result finite
    return -np.sum(t * np.log(y + delta))


def mean_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)  # the book's version, halved so its derivative is y - t


def the_errors():
    """Problems 52-60: one layer, its softmax output, and both error functions."""
    x = np.array([0.6, 0.9]).reshape(1, 2)
    w = np.array([0.4, 0.7, 0.9, 0.2, 0.3, 0.1]).reshape(2, 3)
    k = np.dot(x, w)
    y = softmax(k)
    t = np.array([0, 0, 1]).reshape(1, 3)  # the answer is class 2; the network favours class 1
    print("k = x . w =", k.round(4), " softmax(k) =", y.round(4))
    print(f"cross-entropy error against [0, 0, 1]: {cross_entropy_error(y, t):.4f}")
    t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])  # the digit is a 2
    good = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.0, 0.0, 0.0])  # says 2
    bad = np.array([0.1, 0.05, 0.0, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])  # says 7
    print(
        f"MSE when predicting 2: {mean_squared_error(good, t):.4f}, "
        f"when predicting 7: {mean_squared_error(bad, t):.4f}"
    )


def why_cross_entropy():
    """The gradient that reaches a sigmoid unit's input z, for each loss, when the answer is 1."""
    print("\n    z  P(y=1) | dMSE/dz  dCE/dz   (the answer is y = 1)")
    rows = []
    for value in (-6.0, -2.0, 0.0, 2.0):
        z = dl.tensor(value, requires_grad=True)
        p = dl.sigmoid(z)
        mse = 0.5 * (p - 1.0) ** 2
        ce = -dl.log(p)  # cross-entropy with the answer 1
        # autograd: d loss / dz, without touching z.grad. Both losses share the sigmoid's part of
        # the graph, so the first walk must keep it (retain_graph) for the second.
        d_mse = dl.grad(mse, z, retain_graph=True)[0].item()
        d_ce = dl.grad(ce, z)[0].item()
        rows.append((value, d_mse, d_ce))
        print(f"{value:5.1f}  {p.item():6.4f} | {d_mse:7.4f}  {d_ce:7.4f}")
    # Confidently wrong (z = -6, P = 0.0025): MSE's gradient is (p - 1) p (1 - p), nearly 0, so
    # learning stalls; cross-entropy's is p - 1, nearly -1, so the mistake is corrected fast.
    return rows


def gradient_check():
    """Backpropagation's gradient of the cross-entropy with respect to the weights, three ways."""
    x = dl.tensor([[0.6, 0.9]], dtype=dl.float64)
    t = dl.tensor([2])  # class index 2, the same answer as [0, 0, 1]
    w = dl.tensor([[0.4, 0.7, 0.9], [0.2, 0.3, 0.1]], dtype=dl.float64, requires_grad=True)

    def loss(w):
        return dl.nn.functional.cross_entropy(x @ w, t)  # softmax and cross-entropy in one

    loss(w).backward()  # analytic: the chain rule, run backwards by autograd
    analytic = w.grad.numpy()
    # numerical: (loss(w + h) - loss(w - h)) / 2h for each weight in turn, with h = 1e-6
    numerical = dl.numerical_grad(loss, w).numpy()
    by_hand = x.numpy().T @ (softmax(x.numpy() @ w.detach().numpy()) - [[0, 0, 1]])
    print("\ngradient of the cross-entropy with respect to w (2 x 3):")
    print("  autograd (backward):\n", analytic.round(6))
    print("  numerical (central differences):\n", numerical.round(6))
    print("  by hand, x^T (softmax(x w) - t):\n", by_hand.round(6))
    diff = np.abs(analytic - numerical).max()
    print(f"  largest difference, autograd vs numerical: {diff:.2e}")
    return diff


def train_problem_56(n_epochs):
    """The same layer in Keras, trained on its one example until it predicts class 2."""
    keras.utils.set_random_seed(777)
    x = np.array([0.6, 0.9]).reshape(1, 2)
    y = np.array([0, 0, 1]).reshape(1, 3)  # one-hot label: categorical_crossentropy
    model = Sequential([Dense(3, input_shape=(2,), activation="softmax")])
    # The book uses optimizer="adam" (learning rate 0.001) for 30 epochs, which barely moves
    # the loss; ten times larger steps show the learning within 100 epochs.
    adam = keras.optimizers.Adam(learning_rate=0.01)
    model.compile(optimizer=adam, loss="categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=n_epochs, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)
    print(
        f"\nKeras, {n_epochs} epochs: loss {history.history['loss'][0]:.4f} -> {loss:.4f}, "
        f"accuracy {acc:.1f}, probabilities {model.predict(x, verbose=0).round(3)}"
    )
    return history.history["loss"]


def plot(rows):
    fig = figure(6, 4)
    if fig is None:
        return
    z = np.linspace(-6, 6, 200)
    p = 1 / (1 + np.exp(-z))
    ax = fig.subplots()
    ax.plot(z, (p - 1) * p * (1 - p), label="MSE: (p - 1) p (1 - p)")
    ax.plot(z, p - 1, label="cross-entropy: p - 1")
    ax.plot([r[0] for r in rows], [r[1] for r in rows], "o", color="C0")  # autograd's values
    ax.plot([r[0] for r in rows], [r[2] for r in rows], "o", color="C1")
    ax.set(
        xlabel="z (the sigmoid's input); answer y = 1",
        ylabel="d loss / dz",
        title="Gradient reaching z: MSE vanishes when wrong",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, "losses_and_gradients")


def main():
    the_errors()
    rows = why_cross_entropy()
    gradient_check()
    train_problem_56(epochs(100))
    plot(rows)


if __name__ == "__main__":
    main()
