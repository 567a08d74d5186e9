"""A small labelled corpus for the text examples: short reviews in English and Korean, made
from templates with a seeded generator (1 = positive, 0 = negative). A negation ("not
great", "재미없지 않다") flips a review, so word order matters, not only which words occur."""

from __future__ import annotations

import random

EN_SUBJECTS = ["this movie", "the film", "the story", "the acting", "the ending", "the music"]
EN_GOOD = ["great", "wonderful", "amazing", "fun", "moving", "beautiful"]
EN_BAD = ["boring", "terrible", "awful", "dull", "bad", "painful"]
EN_ADVERBS = ["", "really ", "very ", "so ", "truly "]
KO_SUBJECTS = ["이 영화는", "그 이야기는", "배우들의 연기는", "결말은", "음악은", "이 작품은"]
KO_GOOD = ["재미있다", "훌륭하다", "감동적이다", "최고다", "아름답다", "멋지다"]
KO_BAD = ["지루하다", "별로다", "최악이다", "실망스럽다", "형편없다", "엉망이다"]
KO_ADVERBS = ["", "정말 ", "너무 ", "아주 ", "진짜 "]


def _english(rng):
    good = rng.random() < 0.5
    negated = rng.random() < 0.25
    word = rng.choice(EN_GOOD if good else EN_BAD)
    verb = "is not" if negated else "is"
    text = f"{rng.choice(EN_SUBJECTS)} {verb} {rng.choice(EN_ADVERBS)}{word}"
    return text + rng.choice(["", "!", "."]), int(good != negated)


def _korean(rng):
    good = rng.random() < 0.5
    negated = rng.random() < 0.25
    word = rng.choice(KO_GOOD if good else KO_BAD)
    if negated:  # "재미있다" -> "재미있지 않다": the stem plus 지 않다
        word = word[:-1] + "지 않다"
    text = f"{rng.choice(KO_SUBJECTS)} {rng.choice(KO_ADVERBS)}{word}"
    return text + rng.choice(["", "!", "."]), int(good != negated)


def reviews(n: int = 800, seed: int = 0):
    """`n` (text, label) pairs, half English and half Korean, shuffled."""
    rng = random.Random(seed)
    pairs = [_english(rng) if i % 2 else _korean(rng) for i in range(n)]
    rng.shuffle(pairs)
    return [t for t, _ in pairs], [y for _, y in pairs]
