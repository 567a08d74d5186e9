"""The seed tutorials' TensorFlow programs, copied verbatim with only the import changed.

Seed 000 ("자동 미분과 선형 회귀 실습", sections 1 and 2) and seed 002 (section 5, a linear
regression by hand with `assign_sub`). The optimizer loop of seed 000 is tested with
`tf.optimizers.SGD` with the optimizer tests.
"""

import numpy as np

import deepling.tf as tf


def test_seed000_tape_gradient_of_2w2_plus_5_is_8_as_a_list():
    w = tf.Variable(2.0)

    def f(w):
        y = w**2
        z = 2 * y + 5
        return z

    # gradients: w에 대해 미분한 값이 저장
    with tf.GradientTape() as tape:
        z = f(w)
    gradients = tape.gradient(z, [w])
    print(gradients)
    # [<tf.Tensor: shape=(), dtype=float32, numpy=8.0>]
    assert isinstance(gradients, list) and len(gradients) == 1
    assert gradients[0].shape == () and gradients[0].dtype == np.float32
    assert gradients[0].numpy() == 8.0


def test_seed000_hypothesis_before_training():
    # 학습될 가중치 변수를 선언
    w = tf.Variable(4.0)
    b = tf.Variable(1.0)

    # 가설을 함수로 정의
    def hypothesis(x):
        return w * x + b

    # 임의로 입력값을 넣음
    x_test = [3.5, 5, 5.5, 6]
    print(hypothesis(x_test).numpy())
    # 결과 [15. 21. 23. 25.]
    out = hypothesis(x_test).numpy()
    assert out.dtype == np.float32
    assert out.tolist() == [15.0, 21.0, 23.0, 25.0]


def test_seed000_mse_loss_on_the_tutorial_data():
    w = tf.Variable(4.0)
    b = tf.Variable(1.0)

    def hypothesis(x):
        return w * x + b

    # 손실 함수 정의(평균 제곱 오차)
    def mse_loss(y_pred, y):
        # 두 개의 차이값을 제곱을 해서 평균을 취한다.
        return tf.reduce_mean(tf.square(y_pred - y))

    # 사용할 데이터
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # 공부하는 시간
    y = [11, 22, 33, 44, 53, 66, 77, 87, 95]  # 각 공부하는 시간에 맵핑되는 성적
    cost = mse_loss(hypothesis(x), y)
    expected = np.mean((4.0 * np.arange(1, 10) + 1 - np.array(y)) ** 2)
    assert abs(float(cost) - expected) < 1e-3 * expected


def test_seed002_gradient_descent_by_hand_finds_w_1_b_1():
    x_data = [1, 2, 3, 4, 5]
    # y=1*x+1 값을 준비
    y_data = [2, 3, 4, 5, 6]
    # 가중치를 임의 값 0.7로 초기화
    w = tf.Variable(0.7)
    # 편향을 임의 값 0.7로 초기화
    b = tf.Variable(0.7)
    # 학습률을 설정
    # 너무 크면 비용이 커지는 오버슈팅 현상이 발생
    # 너무 작으면 시간이 너무 오래 걸린다.
    learn = 0.01
    # 1회부터 1100회까지 반복
    for i in range(1, 1100 + 1):  # noqa: B007 (verbatim from the seed)
        # 내부의 계산 과정을 tape에 기록해두면
        # tape.gradient()함수를 이용해서 미분값을 구할 수 있다.
        with tf.GradientTape() as tape:
            # w*x+b로 가설을 정한다.
            hypo = w * x_data + b
            # 손실 비용은 오차제곱평균으로 구한다.
            # tf.losses.mean_squared_error(y, y_hat)와 같다.
            cost = tf.reduce_mean((hypo - y_data) ** 2)
        # w와 b에 대해 손실을 미분해서 dw, db를 구한다.
        dw, db = tape.gradient(cost, [w, b])
        # w에서 학습률*dw값을 빼서 w에 저장
        w.assign_sub(learn * dw)
        b.assign_sub(learn * db)

    w_ref, b_ref = _seed002_reference()
    assert w.dtype == np.float32 and b.dtype == np.float32
    assert abs(w.numpy() - w_ref) < 1e-4 and abs(b.numpy() - b_ref) < 1e-4
    assert abs(w.numpy() - 1) < 0.005 and abs(b.numpy() - 1) < 0.01  # ends at 1.0013, 0.9951


def _seed002_reference():
    """The same 1100 steps worked out by hand in float64: dw = mean(2 e x), db = mean(2 e)."""
    x, y = np.arange(1.0, 6.0), np.arange(2.0, 7.0)
    w = b = 0.7
    for _ in range(1100):
        e = w * x + b - y
        w, b = w - 0.01 * np.mean(2 * e * x), b - 0.01 * np.mean(2 * e)
    return w, b
