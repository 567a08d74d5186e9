"""Sentiment of short English and Korean reviews: Tokenizer, pad_sequences, Embedding and LSTM.

Keras tutorial code with `tensorflow.keras` changed to `deepling.keras`. The Tokenizer learns a
word index from the training texts (Korean words are Unicode words like any other), turns each
review into word indices, and pad_sequences makes them one (reviews, 12) array, padded at the
end with 0. `Embedding(mask_zero=True)` marks the padding, so the LSTM skips it. Reviews with a
negation ("is not great", "재미있지 않다") need the word order, which the LSTM reads.
"""

import numpy as np

from deepling import keras
from deepling.examples._common import accuracy_figure, epochs
from deepling.examples._text_corpus import reviews
from deepling.keras import layers
from deepling.keras.preprocessing.text import Tokenizer
from deepling.keras.utils import pad_sequences

MAXLEN = 12


def main():
    keras.utils.set_random_seed(0)
    texts, labels = reviews(800, seed=0)
    labels = np.array(labels, dtype="float32")
    train_texts, test_texts = texts[:600], texts[600:]
    y_train, y_test = labels[:600], labels[600:]
    tokenizer = Tokenizer(num_words=200, oov_token="<OOV>")
    tokenizer.fit_on_texts(train_texts)
    print(f"{len(tokenizer.word_index)} words; the most frequent:",
          list(tokenizer.word_index)[:8])  # fmt: skip
    x_train = pad_sequences(tokenizer.texts_to_sequences(train_texts), maxlen=MAXLEN,
                            padding="post")  # fmt: skip
    x_test = pad_sequences(tokenizer.texts_to_sequences(test_texts), maxlen=MAXLEN, padding="post")
    print(train_texts[0], "->", x_train[0].tolist())
    model = keras.Sequential([
        layers.Input(shape=(MAXLEN,)),
        layers.Embedding(200, 16, mask_zero=True),
        layers.LSTM(32),
        layers.Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    model.summary()
    history = model.fit(x_train, y_train, epochs=epochs(12), batch_size=32,
                        validation_data=(x_test, y_test), verbose=2)  # fmt: skip
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.3f}")
    new = ["the story is not boring", "this movie is truly awful!", "이 영화는 정말 최고다",
           "결말은 재미있지 않다"]  # fmt: skip
    scores = model.predict(pad_sequences(tokenizer.texts_to_sequences(new), maxlen=MAXLEN,
                                         padding="post"), verbose=0).ravel()  # fmt: skip
    for text, p in zip(new, scores):
        print(f"  {p:.2f} {'positive' if p > 0.5 else 'negative'}: {text}")
    accuracy_figure(
        history.history, "Embedding + LSTM on English and Korean reviews", "text_classification"
    )


if __name__ == "__main__":
    main()
