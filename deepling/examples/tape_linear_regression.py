"""GradientTape linear regression: hours studied -> exam score (seeds 000, 002).

The model is score = w * hours + b. This is TensorFlow tutorial code in which one line changed:
`import tensorflow as tf` became `import deepling.tf as tf`. It shows the three steps that
every training loop repeats:
1. compute the loss while a GradientTape records the operations,
2. ask the tape for the gradient of the loss with respect to each variable,
3. move each variable a small step against its gradient.
"""

import deepling.tf as tf
from deepling.examples._common import epochs, figure, save


def autodiff():
    """The tape alone: z = 2 w^2 + 5, so dz/dw = 4 w, which is 8 at w = 2."""
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:  # every operation inside the `with` block is recorded
        y = w**2
        z = 2 * y + 5
    gradients = tape.gradient(z, [w])  # walk the record backwards: one gradient per variable
    print(f"dz/dw at w = 2: {gradients[0].numpy()} (by hand: 4 * w = 8)")


def fit_with_optimizer(steps):
    """Seed 000: hours studied -> exam score, with an optimizer applying the gradients."""
    w = tf.Variable(4.0)  # starting guesses; training will move them
    b = tf.Variable(1.0)

    def hypothesis(x):
        return w * x + b  # a Python list times a Variable becomes a tensor, as in TensorFlow

    def mse_loss(y_pred, y):
        return tf.reduce_mean(tf.square(y_pred - y))  # mean squared error

    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # hours of study
    y = [11, 22, 33, 44, 53, 66, 77, 87, 95]  # the score for each
    optimizer = tf.optimizers.SGD(0.01)  # plain gradient descent, learning rate 0.01
    costs = []
    for i in range(steps):
        with tf.GradientTape() as tape:
            y_pred = hypothesis(x)
            cost = mse_loss(y_pred, y)
        gradients = tape.gradient(cost, [w, b])
        # apply_gradients does w <- w - 0.01 * dcost/dw (and the same for b)
        optimizer.apply_gradients(zip(gradients, [w, b]))
        costs.append(float(cost.numpy()))
        if i % 50 == 0 or i == steps - 1:
            print(
                f"epoch : {i:3} | w : {w.numpy():5.4f} | b : {b.numpy():5.4f} | cost : {cost:5.6f}"
            )
    # The tutorial printed: epoch : 300 | w : 10.6269 | b : 1.161 | cost : 1.086645
    print("predicted scores for 3.5, 5, 5.5 and 6 hours:", hypothesis([3.5, 5, 5.5, 6]).numpy())
    return x, y, hypothesis, costs


def fit_by_hand(steps):
    """Seed 002: y = x + 1, the update written out: w.assign_sub(learning_rate * dw)."""
    x_data = [1, 2, 3, 4, 5]
    y_data = [2, 3, 4, 5, 6]  # made from y = 1 * x + 1: training should find w = 1, b = 1
    w = tf.Variable(0.7)
    b = tf.Variable(0.7)
    # Too large a learning rate overshoots and the cost grows; too small takes forever.
    learn = 0.01
    for _ in range(steps):
        with tf.GradientTape() as tape:
            hypo = w * x_data + b
            cost = tf.reduce_mean((hypo - y_data) ** 2)
        dw, db = tape.gradient(cost, [w, b])
        w.assign_sub(learn * dw)  # in place: w = w - learn * dw
        b.assign_sub(learn * db)
    print(f"after {steps} steps: w = {w.numpy():.4f}, b = {b.numpy():.4f} (true: 1 and 1)")


def plot(x, y, hypothesis, costs):
    fig = figure(10, 4)
    if fig is None:
        return
    left, right = fig.subplots(1, 2)
    left.plot(costs)
    left.set(yscale="log", xlabel="step", ylabel="cost (MSE)", title="The cost falls")
    left.grid(alpha=0.3)
    right.plot(x, y, "k.", label="data")
    right.plot(x, hypothesis(x).numpy(), "b", label="w * x + b")
    right.set(xlabel="hours of study", ylabel="score", title="The fitted line")
    right.legend()
    save(fig, "tape_linear_regression")


def main():
    autodiff()
    x, y, hypothesis, costs = fit_with_optimizer(epochs(301))
    fit_by_hand(epochs(1100))
    plot(x, y, hypothesis, costs)


if __name__ == "__main__":
    main()
