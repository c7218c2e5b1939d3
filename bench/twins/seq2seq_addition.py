"""PyTorch twin of ``python -m experiments.seq2seq_addition``: the same whole run, as a
PyTorch user would write it.

Mirrors experiments/seq2seq_addition.py with netlib/links/seq2seq.py and
netlib/datasets/addition.py (Keras's addition_rnn): distinct questions ``a+b``
of up to three-digit numbers, padded to 7 characters and reversed, answers
padded to 4; the last tenth held out.  An ``nn.LSTM`` encoder (embedding 32,
128 units) hands its last state to an ``nn.LSTM`` decoder fed the true previous
character in training (teacher forcing), AMSGrad at lr 0.003 times 0.92 after
every epoch, batches of 128 drawn as Chainer's shuffled SerialIterator draws them.
After each epoch the held-out loss (teacher forcing) and the per-character and
exact-match accuracy of the decoder's own greedy answers; at the end the greedy
answers, the metrics and a checkpoint.
"""

import time

import numpy as np
import torch
from torch import nn

from common import parser, print_metrics, save_checkpoint

CHARS = '0123456789+ '
ID = {char: index for index, char in enumerate(CHARS)}
DECAY = 0.92
TARGET = 0.99
KERAS_EPOCHS = 100


def make_questions(count, digits, seed):
    """*count* distinct (a, b) pairs, each number of 1 to *digits* digits (each length
    equally likely, then each digit); a+b and b+a count as one."""
    rng = np.random.RandomState(seed)
    seen, pairs = set(), []
    while len(pairs) < count:
        a, b = rng.randint(0, 10 ** rng.randint(1, digits + 1, size=(2, count)))
        for pair in zip(a.tolist(), b.tolist()):
            if len(pairs) < count and (key := tuple(sorted(pair))) not in seen:
                seen.add(key)
                pairs.append(pair)
    return pairs


def encode(text):
    return [ID[char] for char in text]


def decode(ids):
    return ''.join(CHARS[int(i)] for i in ids)


def addition_tensors(pairs, digits):
    """Questions (N, 2 * digits + 1), reversed, and answers (N, digits + 1), as int64."""
    questions = [encode(f'{a}+{b}'.ljust(2 * digits + 1)[::-1]) for a, b in pairs]
    answers = [encode(str(a + b).ljust(digits + 1)) for a, b in pairs]
    return torch.tensor(questions), torch.tensor(answers)


class Seq2seq(nn.Module):
    """Embedding and LSTM encoder; its last state starts an LSTM decoder; linear scores."""

    def __init__(self, n_vocab, n_units, n_embed):
        super().__init__()
        self.go = n_vocab  # the decoder's first input, a character of its own
        self.embed_x = nn.Embedding(n_vocab, n_embed)
        self.embed_y = nn.Embedding(n_vocab + 1, n_embed)
        self.encoder = nn.LSTM(n_embed, n_units, batch_first=True)
        self.decoder = nn.LSTM(n_embed, n_units, batch_first=True)
        self.output = nn.Linear(n_units, n_vocab)

    def forward(self, x, t):
        """Scores (B, T, V) of the answers *t*, the true previous character fed."""
        _, state = self.encoder(self.embed_x(x))
        previous = torch.cat([torch.full_like(t[:, :1], self.go), t[:, :-1]], dim=1)
        ys, _ = self.decoder(self.embed_y(previous), state)
        return self.output(ys)

    @torch.no_grad()
    def translate(self, x, length):
        """Greedy answers (B, *length*): each step is fed the previous step's output."""
        _, state = self.encoder(self.embed_x(x))
        previous = torch.full_like(x[:, :1], self.go)
        answer = []
        for _ in range(length):
            y, state = self.decoder(self.embed_y(previous), state)
            previous = self.output(y).argmax(dim=2)
            answer.append(previous)
        return torch.cat(answer, dim=1)


def batches(size, batchsize, generator):
    """(indices, epoch ended) forever, as Chainer's shuffled SerialIterator: a batch that
    crosses the end of an epoch is filled from the next epoch's order."""
    order, position = torch.randperm(size, generator=generator), 0
    while True:
        end = position + batchsize
        indices = order[position:end]
        if end < size:
            position = end
            yield indices, False
        else:
            order, position = torch.randperm(size, generator=generator), end - size
            yield torch.cat([indices, order[:position]]), True


def loss_of(scores, t):
    return nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]), t.reshape(-1))


def validate(model, x, t, batchsize):
    """Held-out loss (teacher forcing) and the greedy answers' accuracies, each batch
    weighted by its size (netlib's WholeSetEvaluator)."""
    model.eval()
    loss = exact = per_char = 0.0
    with torch.no_grad():
        for start in range(0, len(x), batchsize):
            x_batch, t_batch = x[start:start + batchsize], t[start:start + batchsize]
            loss += float(loss_of(model(x_batch, t_batch), t_batch)) * len(x_batch)
            right = model.translate(x_batch, t.shape[1]) == t_batch
            exact += int(right.all(dim=1).sum())
            per_char += float(right.float().mean()) * len(x_batch)
    model.train()
    return {'validation/main/loss': loss / len(x), 'validation/main/accuracy': exact / len(x),
            'validation/main/accuracy_per_char': per_char / len(x)}


def train_step(model, optimizer, x, t):
    scores = model(x, t)
    loss = loss_of(scores, t)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    right = scores.argmax(dim=2) == t
    return loss.item(), float(right.all(dim=1).float().mean())


def fit(model, optimizer, train, test, args):
    """--epoch epochs of --batchsize; the held-out numbers after each; the log records."""
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimizer, DECAY)
    generator = torch.Generator().manual_seed(args.seed)
    log, sums, count, began = [], np.zeros(2), 0, time.perf_counter()
    for indices, epoch_ended in batches(len(train[0]), args.batchsize, generator):
        sums += train_step(model, optimizer, train[0][indices], train[1][indices])
        count += 1
        if not epoch_ended:
            continue
        record = {'epoch': len(log) + 1, 'main/loss': sums[0] / count,
                  'main/accuracy': sums[1] / count,
                  **validate(model, *test, args.batchsize),
                  'elapsed_time': time.perf_counter() - began}
        log.append(record)
        print('  '.join(f'{key} {value:.5g}' for key, value in record.items()), flush=True)
        schedule.step()
        sums, count = np.zeros(2), 0
        if len(log) == args.epoch:
            return log


def answered(question, answer, truth):
    """'  123+45 = 168   (true 168)' from the encoded reversed question and answers."""
    return (f'{decode(question)[::-1].strip():>9} = {decode(answer).strip():<5} '
            f'(true {decode(truth).strip()})')


def main():
    arguments = parser('PyTorch twin of experiments.seq2seq_addition')
    arguments.add_argument('--epoch', type=int, default=20)
    arguments.add_argument('--questions', type=int, default=50000)
    arguments.add_argument('--batchsize', type=int, default=128)
    arguments.add_argument('--unit', type=int, default=128)
    arguments.add_argument('--embed', type=int, default=32)
    arguments.add_argument('--digits', type=int, default=3)
    arguments.add_argument('--threads', type=int,
                           help="PyTorch's intra-op threads (default: PyTorch's own choice)")
    args = arguments.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(args.seed)
    x, t = addition_tensors(make_questions(args.questions, args.digits, args.seed),
                            args.digits)
    split = len(x) - len(x) // 10
    train, test = (x[:split], t[:split]), (x[split:], t[split:])
    model = Seq2seq(len(CHARS), args.unit, args.embed)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003, betas=(0.9, 0.999), eps=1e-8,
                                 amsgrad=True)
    print(f'{args.digits}-digit addition, reversed input: {split} training and '
          f'{len(x) - split} held-out questions; encoder and decoder LSTM of {args.unit}, '
          f'AMSGrad, batch {args.batchsize}, {args.epoch} epochs -> {args.out}')
    log = fit(model, optimizer, train, test, args)

    model.eval()
    answers = model.translate(test[0], t.shape[1])
    right = (answers == test[1]).all(dim=1)
    examples = {f'{name} answers': [answered(test[0][row], answers[row], test[1][row])
                                    for row in rows[:5].tolist()]
                for name, rows in (('right', torch.nonzero(right).ravel()),
                                   ('wrong', torch.nonzero(~right).ravel()))}
    reached = [record['epoch'] for record in log
               if record['validation/main/accuracy'] >= TARGET]
    last = log[-1]
    metrics = {'test_accuracy': float(right.float().mean()),
               'test_accuracy_per_char': last['validation/main/accuracy_per_char'],
               'train_loss': last['main/loss'], 'test_loss': last['validation/main/loss'],
               'epochs_to_99': reached[0] if reached else None,
               'keras_epochs_to_99': KERAS_EPOCHS,
               'seconds_per_epoch': last['elapsed_time'] / last['epoch'],
               'examples': examples}
    save_checkpoint(args.out, model=model.state_dict(), optimizer=optimizer.state_dict())
    print_metrics(metrics)


if __name__ == '__main__':
    main()
