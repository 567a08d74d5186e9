"""Recorded outputs of tf.keras 2's Tokenizer and pad_sequences (the tf-keras 2.21 package's
own code), for tests/keras/test_text.py. Keras 3 dropped the Tokenizer and TensorFlow is not
installable in CI, so the record is made once from the package's source, with its one
TensorFlow import (a decorator) stubbed:

    pip download --no-deps tf-keras==2.21.0 -d /tmp/tfk && cd /tmp/tfk && unzip -q *.whl
    python tests/reference/keras_text.py /tmp/tfk/tf_keras/src
"""

from __future__ import annotations

import ast
import json
import sys
import types
from pathlib import Path

import numpy as np

CORPUS = [
    "I love my dog!",
    "I love my cat; my cat loves me.",
    "You love my dog?",
    "나는 학교에 간다. 나는 공부를 좋아한다!",
    "너는 학교에 간다, 그리고 집에 온다.",
    "Do you think my dog is amazing?",
]
TESTS = ["I really love my dog", "나는 집에 간다", "my 고양이 loves me"]
# name: (Tokenizer keyword arguments)
TOKENIZERS = {
    "plain": {},
    "oov": {"oov_token": "<OOV>"},
    "num_words_oov": {"num_words": 6, "oov_token": "<OOV>"},
    "num_words": {"num_words": 6},
    "char_level": {"char_level": True},
    "no_lower_filters": {"lower": False, "filters": "!"},
}
PADS = {
    "default": {},
    "post_post_5": {"maxlen": 5, "padding": "post", "truncating": "post"},
    "pre_pre_3": {"maxlen": 3},
    "value_float": {"maxlen": 6, "value": -1.0, "dtype": "float32"},
}


def record(tokenizer_class, pad_sequences) -> dict:
    out = {}
    for name, kwargs in TOKENIZERS.items():
        t = tokenizer_class(**kwargs)
        t.fit_on_texts(CORPUS)
        seqs = t.texts_to_sequences(TESTS)
        out[name] = {
            "word_index": t.word_index,
            "word_counts": list(t.word_counts.items()),
            "sequences": seqs,
            "texts": t.sequences_to_texts(seqs),
            "matrices": {
                mode: t.texts_to_matrix(TESTS, mode=mode).tolist()
                for mode in ("binary", "count", "freq", "tfidf")
            },  # fmt: skip
        }
    base = tokenizer_class()
    base.fit_on_texts(CORPUS)
    seqs = base.texts_to_sequences(CORPUS)
    out["pad"] = {name: pad_sequences(seqs, **kw).tolist() for name, kw in PADS.items()}
    return out


def _load(path: Path, names: list, extra: dict) -> dict:
    """The top-level functions and classes `names` of a module file, its TF imports left out."""
    tree = ast.parse(path.read_text())
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
            and all(a.name in ("collections", "hashlib", "json", "warnings", "numpy")
                    for a in n.names)]  # fmt: skip
    keep += [n for n in tree.body if getattr(n, "name", None) in names]
    for n in keep:
        if hasattr(n, "decorator_list"):
            n.decorator_list = []
    scope = dict(extra)
    exec(compile(ast.Module(keep, []), str(path), "exec"), scope)  # noqa: S102 (the package's code)
    return scope


def main(src: str) -> None:
    sys.modules.setdefault("tensorflow", types.ModuleType("tensorflow"))
    text = _load(Path(src) / "preprocessing/text.py", ["text_to_word_sequence", "Tokenizer"], {})
    data = _load(Path(src) / "utils/data_utils.py", ["pad_sequences"], {"np": np})
    recorded = record(text["Tokenizer"], data["pad_sequences"])
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(recorded, ensure_ascii=False))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1])
