"""A Transformer-encoder classifier on the English and Korean reviews of text_classification.

Keras tutorial code with `tensorflow.keras` changed to `deepling.keras`. Two small layers are
written by subclassing `layers.Layer`, as the Keras tutorial does: token plus position
embeddings, and a Transformer block (MultiHeadAttention, a residual connection and
LayerNormalization, then a feed-forward block, again with a residual and LayerNormalization).
Attention lets every word look at every other word, so "not" can change what "great" means.
"""

import numpy as np

from deepling import keras
from deepling.examples._common import accuracy_figure, epochs
from deepling.examples._text_corpus import reviews
from deepling.keras import layers
from deepling.keras.preprocessing.text import Tokenizer
from deepling.keras.utils import pad_sequences

MAXLEN, VOCAB, EMBED = 12, 200, 16


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(vocab_size, embed_dim)
        self.pos_emb = layers.Embedding(maxlen, embed_dim)

    def call(self, x):
        positions = np.arange(x.shape[-1])  # 0, 1, ..., maxlen - 1: one vector per position
        return self.token_emb(x) + self.pos_emb(positions)


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=None):
        attn_output = self.att(inputs, inputs)  # self-attention: queries, keys, values = inputs
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.dropout2(self.ffn(out1), training=training)
        return self.layernorm2(out1 + ffn_output)


def main():
    keras.utils.set_random_seed(0)
    texts, labels = reviews(800, seed=0)
    labels = np.array(labels, dtype="float32")
    tokenizer = Tokenizer(num_words=VOCAB, oov_token="<OOV>")
    tokenizer.fit_on_texts(texts[:600])

    def encode(batch):
        return pad_sequences(tokenizer.texts_to_sequences(batch), maxlen=MAXLEN, padding="post")

    x_train, x_test = encode(texts[:600]), encode(texts[600:])
    y_train, y_test = labels[:600], labels[600:]
    inputs = layers.Input(shape=(MAXLEN,))
    x = TokenAndPositionEmbedding(MAXLEN, VOCAB, EMBED)(inputs)
    x = TransformerBlock(EMBED, num_heads=2, ff_dim=32)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs(15),
                        validation_data=(x_test, y_test), verbose=2)  # fmt: skip
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.3f}")
    new = ["the ending is not dull", "the acting is so bad", "음악은 아주 아름답다",
           "이 작품은 훌륭하지 않다"]  # fmt: skip
    for text, p in zip(new, model.predict(encode(new), verbose=0).ravel()):
        print(f"  {p:.2f} {'positive' if p > 0.5 else 'negative'}: {text}")
    accuracy_figure(
        history.history,
        "Transformer encoder on English and Korean reviews",
        "transformer_classifier",
    )


if __name__ == "__main__":
    main()
