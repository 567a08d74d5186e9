"""Sentiment with tf.keras's text tools: Tokenizer, pad_sequences, Embedding(mask_zero=True),
Bidirectional(LSTM). Reviews in English and Korean; the padding is masked."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.preprocessing.text import Tokenizer

keras.utils.set_random_seed(1)
good = ["great", "fun", "moving", "최고다", "재미있다", "훌륭하다"]
bad = ["boring", "awful", "dull", "지루하다", "별로다", "최악이다"]
subjects = ["the movie is", "the plot was", "이 영화는", "그 이야기는"]
rng = np.random.default_rng(1)
sentences, labels = [], []
for _ in range(400):
    positive = rng.random() < 0.5
    word = rng.choice(good if positive else bad)
    sentences.append(f"{rng.choice(subjects)} {'really ' * rng.integers(0, 3)}{word}")
    labels.append(int(positive))
labels = np.array(labels)

tokenizer = Tokenizer(num_words=100, oov_token="<OOV>")
tokenizer.fit_on_texts(sentences[:300])
sequences = tokenizer.texts_to_sequences(sentences)
padded = pad_sequences(sequences, maxlen=8, padding="post", truncating="post")

model = keras.Sequential([
    keras.layers.Embedding(100, 8, mask_zero=True),
    keras.layers.Bidirectional(keras.layers.LSTM(8)),
    keras.layers.Dense(1, activation="sigmoid"),
])  # fmt: skip
model.compile(
    loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02), metrics=["accuracy"]
)
history = model.fit(padded[:300], labels[:300], epochs=8, batch_size=32, verbose=0)
loss, accuracy = model.evaluate(padded[300:], labels[300:], verbose=0)
print(f"loss {history.history['loss'][0]:.3f} -> {history.history['loss'][-1]:.3f}, "
      f"test accuracy {accuracy:.3f}")  # fmt: skip
