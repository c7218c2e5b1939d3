"""The addition questions of Keras's ``addition_rnn`` example, as arrays of character ids.

keras-io ``examples/nlp/addition_rnn.py``: each question ``a+b`` joins two
numbers of 1 to ``digits`` digits (each length equally likely, then each
digit), no question twice (``a+b`` and ``b+a`` count as one), padded with
spaces to ``2 * digits + 1`` characters and reversed ('  54+321' for
123+45); the answer is ``a + b`` padded to ``digits + 1`` characters.
"""

import numpy as np

from netlib.errors import UsageError

CHARS = '0123456789+ '
# NumPy draws each number below 10**digits as a 64-bit integer: 10**19 does not fit.
MAX_DIGITS = 18
ID = {char: index for index, char in enumerate(CHARS)}


def make_questions(count, digits=3, seed=0):
    """*count* distinct ``(a, b)`` pairs drawn as Keras draws them, in drawing order."""
    if digits > MAX_DIGITS:
        raise UsageError(f'numbers of up to {MAX_DIGITS} digits can be drawn; asked for '
                         f'{digits}')
    possible = sum(9 * 10 ** (n - 1) + (n == 1) for n in range(1, digits + 1))  # 10, 90, 900
    if count > possible * (possible + 1) // 2:
        raise UsageError(f'--questions {count:,}: only {possible * (possible + 1) // 2:,} '
                         f'distinct questions of up to {digits} digits exist')
    rng = np.random.RandomState(seed)
    seen, pairs = set(), []
    while len(pairs) < count:  # Keras joins 1..digits random digits: 0 .. 10**length - 1
        a, b = rng.randint(0, 10 ** rng.randint(1, digits + 1, size=(2, count)))
        for pair in zip(a.tolist(), b.tolist()):
            if len(pairs) < count and (key := tuple(sorted(pair))) not in seen:
                seen.add(key)
                pairs.append(pair)
    return pairs


def encode(text):
    return np.array([ID[char] for char in text], np.int32)


def question_text(a, b, digits=3, reverse=True):
    text = f'{a}+{b}'.ljust(2 * digits + 1)
    return text[::-1] if reverse else text


def answer_text(a, b, digits=3):
    return str(a + b).ljust(digits + 1)


def addition_arrays(pairs, digits=3, reverse=True):
    """(questions, answers): int32 arrays of shape (N, 2 * digits + 1) and (N, digits + 1)."""
    x = np.stack([encode(question_text(a, b, digits, reverse)) for a, b in pairs])
    t = np.stack([encode(answer_text(a, b, digits)) for a, b in pairs])
    return x, t


def decode(ids):
    return ''.join(CHARS[int(i)] for i in ids)
