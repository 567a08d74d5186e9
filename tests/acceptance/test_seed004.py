"""Seed 004 (문제56, 문제57, Boston housing 문제61-63) with only the imports changed.

`tensorflow.keras` became `deepling.keras` and `import tensorflow as tf` became
`import deepling.tf as tf`; `verbose=0` keeps the output short. The seed's Keras numbers, for
comparison with what these programs give here (measured, not asserted exactly):
  문제57 evaluate: seed [0.6637, 1.0]; here [0.608, 1.0].
  Boston, raw inputs: seed mse 31.31, mae 4.381, r 0.796; here 32.8, 4.38, 0.778.
  Boston, min-max with the train set's min/max (문제63): seed 14.27, 2.669, r 0.910;
  here 15.03, 2.77, 0.907.
  Boston, standardized (문제62): seed r 0.944; here mse 8.55, mae 2.11, r 0.947.
"""

import numpy as np
import pytest


def problem56():
    # 1. 필요한 패키지 로드
    from deepling.keras.layers import Dense
    from deepling.keras.models import Sequential

    # 2. 데이터 생성
    x = np.array([0.6, 0.9]).reshape(1, 2)  # 입력데이터
    y = np.array([0, 0, 1]).reshape(1, 3)  # label 데이터
    # 3. 모델 구성
    model = Sequential()
    model.add(Dense(3, input_shape=(2,), activation="softmax"))
    # 4. 모델 준비하기
    model.compile(
        optimizer="adam",  # 경사하강법
        loss="categorical_crossentropy",  # 오차함수
        metrics=["acc"],
    )  # list 형태로 평가지표를 전달
    # 5. 학습시키기
    return model.fit(x, y, epochs=30, verbose=0)


def problem57(epochs=30):
    # 1. 필요한 패키지 로드
    import deepling.tf as tf
    from deepling.keras.layers import Dense
    from deepling.keras.models import Sequential

    tf.random.set_seed(777)  # 시드 설정
    # 2. 데이터 생성
    x = np.array([0.7, 0.2]).reshape(1, 2)  # 입력데이터
    y = np.array([0, 1]).reshape(1, 2)  # label 데이터
    # 3. 모델 구성
    model = Sequential()
    model.add(Dense(3, input_shape=(2,), activation="relu"))
    model.add(Dense(3, activation="relu"))
    model.add(Dense(2, activation="softmax"))  # 출력층
    # 4. 모델 준비하기
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["acc"])
    # 5. 학습시키기 - 분류
    history = model.fit(x, y, epochs=epochs, verbose=0)
    # 6. 오차함수, 정확도 확인
    return history, model.evaluate(x, y, verbose=0)  # seed: [0.6636707186698914, 1.0]


def boston_data(scaling):
    # 1. 데이터 로드
    from deepling.keras.datasets.boston_housing import load_data

    (x_train, y_train), (x_test, y_test) = load_data(
        path="boston_housing.npz", test_split=0.2, seed=777
    )
    if scaling == "minmax":  # 정규화(수정. x_train데이터의 max/min값을 x_test에도 적용시킴)
        max_x = np.max(x_train, axis=0)
        min_x = np.min(x_train, axis=0)
        x_train = (x_train - min_x) / (max_x - min_x)
        x_test = (x_test - min_x) / (max_x - min_x)
    elif scaling == "standard":
        mean = np.mean(x_train, axis=0)
        std = np.std(x_train, axis=0)
        x_train = (x_train - mean) / std
        x_test = (x_test - mean) / std
    return (x_train, y_train), (x_test, y_test)


def boston_model():
    # 2. 모델 생성하기
    import deepling.tf as tf
    from deepling.keras.layers import Dense
    from deepling.keras.models import Sequential

    tf.random.set_seed(777)  # 시드 설정
    model = Sequential()
    model.add(Dense(64, activation="relu", input_shape=(13,)))
    model.add(Dense(32, activation="relu"))
    model.add(Dense(1))  # 출력층에는 분류가 아니라 softmax 함수가 필요없습니다.
    # 3. 모델 설정하기
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])  # mae : 오차
    return model


def boston_program(scaling):
    (x_train, y_train), (x_test, y_test) = boston_data(scaling)
    model = boston_model()
    # 4. 모델 훈련하기
    model.fit(x_train, y_train, epochs=100, verbose=0)
    # 5. 모델 평가하기
    mse, mae = model.evaluate(x_test, y_test, verbose=0)
    result = model.predict(x_test, verbose=0)
    r = np.corrcoef(result.flatten(), y_test)[0, 1]
    return mse, mae, r


def test_problem56_one_sample_softmax_layer_learns():
    history = problem56()
    assert list(history.history) == ["loss", "acc"]
    loss = history.history["loss"]
    assert len(loss) == 30
    # one sample, full batch, small Adam steps: the label's probability rises every epoch (30
    # steps of ~0.001 move each weight ~0.03, so whether argmax flips depends on the init)
    assert np.all(np.diff(loss) < 0)
    assert set(history.history["acc"]) <= {0.0, 1.0}


def test_problem57_reaches_accuracy_one_in_30_epochs():
    history, result = problem57()
    assert isinstance(result, list) and len(result) == 2
    loss, acc = result
    assert acc == 1.0
    assert loss < history.history["loss"][0]  # seed: 0.664 after 30 epochs
    assert loss < -np.log(0.5)  # the true class has probability above one half


def test_problem57_is_reproducible_under_set_seed():
    _, first = problem57(epochs=3)
    _, second = problem57(epochs=3)
    assert first == second


@pytest.mark.parametrize(
    "scaling, max_mae, min_r",
    [
        (None, 5.0, 0.7),  # seed: mae 4.381, r 0.796
        ("minmax", 3.6, 0.85),  # seed (문제63): mae 2.669, r 0.910
        ("standard", 3.0, 0.9),  # seed (문제62): r 0.944
    ],
)
def test_boston_regression(scaling, max_mae, min_r):
    mse, mae, r = boston_program(scaling)
    assert mae < max_mae
    assert r > min_r
    assert mse < max_mae**2 * 2.5  # mse and mae agree: no huge outliers hide behind the mae


def test_boston_data_as_the_seed_prints():
    (x_train, y_train), (x_test, y_test) = boston_data(None)
    assert x_train.shape == (404, 13) and y_train.shape == (404,)
    assert x_test.shape == (102, 13) and y_test.shape == (102,)
    (x_train, _), (x_test, _) = boston_data("minmax")
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert x_test.min() < 0.1 and x_test.max() > 0.9  # the train set's scale, not the test's


def test_predict_on_float64_data_returns_float32_like_keras():
    _, (x_test, _) = boston_data("standard")
    assert x_test.dtype == np.float64
    assert boston_model().predict(x_test, verbose=0).dtype == np.float32
