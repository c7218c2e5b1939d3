"""PyTorch twin of ``python -m experiments.char_lm``: the same whole run, as a PyTorch
user would write it.

Mirrors experiments/char_lm.py with netlib/links/recurrent.py, netlib/evaluation/language.py and
netlib/datasets/text.py: the same UTF-8 text (gensim's Lee corpus, given with
``--text``), the same sorted character vocabulary and held-out tenth at the end,
an LSTM and a tanh RNN (embedding, one ``nn.LSTM`` / ``nn.RNN`` layer, linear
output) reading 64 streams of the text with truncated BPTT every 35 characters,
the state carried on, Adam with the gradient norm clipped at 5.  Reported: the
held-out bits per character of both nets (32 streams from a zero state), the
add-one unigram and bigram counts on the same split, and samples from the LSTM
at temperatures 0.5 and 1; a checkpoint at the end.
"""

import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common import parser, print_metrics, save_checkpoint

LN2 = math.log(2)
KINDS = ('rnn', 'lstm')
NAMES = {'rnn': 'tanh RNN', 'lstm': 'LSTM'}
TEMPERATURES = (0.5, 1.0)
PRIME = 'The '
EVAL_BATCH = 32
# netlib finds the Lee corpus inside the gensim wheel of its own venv
DEFAULT_TEXT = (Path(__file__).resolve().parents[2] / '.venv/lib/python3.11/site-packages'
                / 'gensim/test/test_data/lee_background.cor')


class CharLM(nn.Module):
    """Embedding, one recurrent layer over a (steps, batch) window, linear output."""

    def __init__(self, n_vocab, n_units, kind):
        super().__init__()
        self.embed = nn.Embedding(n_vocab, n_units)
        self.cell = {'lstm': nn.LSTM, 'rnn': nn.RNN}[kind](n_units, n_units)
        self.out = nn.Linear(n_units, n_vocab)

    def forward(self, xs, state=None):
        """Scores (steps, batch, vocab) and the state after the window."""
        hs, state = self.cell(self.embed(xs), state)
        return self.out(hs), state


def detach(state):
    """The state without the graph behind it (truncated back-propagation)."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def load_vocabulary(path, held_out):
    """(text, chars, train ids, test ids): netlib's char_vocabulary and split."""
    with open(path, 'rb') as file:
        text = file.read().decode('utf-8-sig')
    chars, ids = np.unique(np.array(list(text)), return_inverse=True)
    ids = ids.astype(np.int64)
    cut = int(round(len(ids) * (1 - held_out)))
    return text, [str(char) for char in chars], ids[:cut], ids[cut:]


def stream_starts(length, batchsize):
    return np.arange(batchsize) * (length // batchsize)


def stream_window(ids, starts, step, length):
    """(x, t), each (length, batch): every stream's characters from *step* on, and the next."""
    position = (starts[None, :] + step + torch.arange(length)[:, None]) % len(ids)
    return ids[position], ids[(position + 1) % len(ids)]


def bits_per_character(model, ids, batchsize):
    """Mean -log2 p(next character) over *ids* read as *batchsize* streams from zero state."""
    length = (len(ids) - 1) // batchsize
    starts = torch.from_numpy(stream_starts(len(ids) - 1, batchsize))
    position = starts[None, :] + torch.arange(length)[:, None]
    ids = torch.from_numpy(ids)
    model.eval()
    with torch.no_grad():
        scores, _ = model(ids[position])
        total = nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]),
                                            ids[position + 1].reshape(-1), reduction='sum')
    return float(total) / (length * batchsize) / LN2


def ngram_bits(train, test, n_vocab, order):
    """Bits per character on *test* of the add-one unigram or bigram counts of *train*."""
    if order == 1:
        counts = np.bincount(train, minlength=n_vocab) + 1.0
        return float(-np.log2(counts[test] / counts.sum()).mean())
    pairs = np.zeros((n_vocab, n_vocab))
    np.add.at(pairs, (train[:-1], train[1:]), 1)
    pairs += 1.0
    p = pairs[test[:-1], test[1:]] / pairs[test[:-1]].sum(axis=1)
    return float(-np.log2(p).mean())


def sample(model, chars, prime, length, temperature, random):
    """*length* characters drawn after *prime* at *temperature*, one character at a time."""
    index = {char: i for i, char in enumerate(chars)}
    text = [char for char in prime if char in index]
    model.eval()
    with torch.no_grad():
        scores, state = model(torch.tensor([[index[char]] for char in text]))
        for _ in range(length):
            logits = scores[-1, 0].double().numpy()
            p = np.exp((logits - logits.max()) / temperature)
            choice = random.choice(len(chars), p=p / p.sum())
            text.append(chars[choice])
            scores, state = model(torch.tensor([[choice]]), state)
    return ''.join(text)


def train(models, optimizers, ids, args):
    """--iteration updates of each net on the next --bproplen characters of every stream."""
    starts = torch.from_numpy(stream_starts(len(ids), args.batchsize))
    ids = torch.from_numpy(ids)
    states = {kind: None for kind in models}
    sums = {kind: 0.0 for kind in models}
    log_every = max(1, args.iteration // 10)
    began = time.perf_counter()
    for iteration in range(1, args.iteration + 1):
        xs, ts = stream_window(ids, starts, (iteration - 1) * args.bproplen, args.bproplen)
        for kind, model in models.items():
            scores, state = model(xs, states[kind])
            loss = nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]),
                                               ts.reshape(-1))
            optimizers[kind].zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
            optimizers[kind].step()
            states[kind] = detach(state)
            sums[kind] += loss.item() / LN2
        if iteration % log_every == 0:
            losses = '  '.join(f'{kind}/loss {sums[kind] / log_every:.5f}' for kind in models)
            print(f'iteration {iteration}  {losses}  {time.perf_counter() - began:.2f} s',
                  flush=True)
            sums = dict.fromkeys(models, 0.0)


def main():
    arguments = parser('PyTorch twin of experiments.char_lm')
    arguments.add_argument('--text', default=DEFAULT_TEXT, help='the UTF-8 text file')
    arguments.add_argument('--iteration', type=int, default=1500)
    arguments.add_argument('--batchsize', type=int, default=64)
    arguments.add_argument('--unit', type=int, default=128)
    arguments.add_argument('--bproplen', type=int, default=35)
    arguments.add_argument('--grad-clip', type=float, default=5.0)
    arguments.add_argument('--held-out', type=float, default=0.1)
    arguments.add_argument('--sample-length', type=int, default=300)
    arguments.add_argument('--threads', type=int,
                           help="PyTorch's intra-op threads (default: PyTorch's own choice)")
    args = arguments.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    text, chars, train_ids, test_ids = load_vocabulary(args.text, args.held_out)
    print(f'{args.text}: {len(text):,} characters, {len(chars)} distinct; '
          f'{len(train_ids):,} to train on, {len(test_ids):,} held out')
    models, optimizers = {}, {}
    for kind in KINDS:  # each net from the same seed, as netlib's
        torch.manual_seed(args.seed)
        models[kind] = CharLM(len(chars), args.unit, kind)
        optimizers[kind] = torch.optim.Adam(models[kind].parameters(), lr=1e-3,
                                            betas=(0.9, 0.999), eps=1e-8)
    epochs = args.iteration * args.bproplen * args.batchsize / len(train_ids)
    train(models, optimizers, train_ids, args)

    metrics = {'characters': len(text), 'vocabulary': len(chars), 'epochs': epochs,
               'unigram_bpc': ngram_bits(train_ids, test_ids, len(chars), 1),
               'bigram_bpc': ngram_bits(train_ids, test_ids, len(chars), 2)}
    for kind, model in models.items():
        metrics[f'{kind}_bpc'] = bits_per_character(model, test_ids, EVAL_BATCH)
    metrics['lstm_minus_rnn_bpc'] = metrics['lstm_bpc'] - metrics['rnn_bpc']
    metrics['lstm_minus_bigram_bpc'] = metrics['lstm_bpc'] - metrics['bigram_bpc']
    random = np.random.RandomState(args.seed)
    prime = PRIME if set(PRIME) <= set(chars) else text[0]
    metrics['samples'] = {
        f'LSTM sample, temperature {temperature:g}':
            sample(models['lstm'], chars, prime, args.sample_length, temperature, random)
        for temperature in TEMPERATURES}
    save_checkpoint(args.out, **{kind: model.state_dict() for kind, model in models.items()},
                    **{f'{kind}_optimizer': optimizer.state_dict()
                       for kind, optimizer in optimizers.items()})
    print_metrics(metrics)


if __name__ == '__main__':
    main()
