"""experiments/mnist_cnn.py: Keras's MNIST CNN learns, and prints what Keras prints."""

import types

from experiments import mnist_cnn


def test_one_epoch_on_5000_images_beats_90_percent(data_dir, tmp_path, capsys):
    # Batch 32 instead of 128: 157 AdaDelta updates instead of 40 in one short
    # epoch (0.93-0.95 over seeds 0-3, where batch 128 ends near 0.90).
    out = tmp_path / 'run'
    metrics = mnist_cnn.main(['--epoch', '1', '--train-size', '5000', '--test-size', '1000',
                              '--batchsize', '32',
                              '--data-dir', str(data_dir), '--out', str(out)])
    assert metrics['test_accuracy'] > 0.90
    assert metrics['seconds_per_epoch'] > 0
    printed = capsys.readouterr().out
    assert 'x_train shape: (5000, 1, 28, 28)' in printed
    assert f'Test loss: {metrics["test_loss"]}' in printed
    assert f'Test accuracy: {metrics["test_accuracy"]}' in printed
    assert {'loss.png', 'accuracy.png', 'metrics.json', 'log'} <= {p.name for p in out.iterdir()}


def test_epoch_lines_have_keras_format(capsys):
    # The post's two epochs, 169 s each, as a LogReport would hold them.
    log = [{'epoch': 1, 'elapsed_time': 169.0, 'main/loss': 0.2564, 'main/accuracy': 0.9211,
            'validation/main/loss': 0.0555, 'validation/main/accuracy': 0.9818},
           {'epoch': 2, 'elapsed_time': 338.0, 'main/loss': 0.0856, 'main/accuracy': 0.9749,
            'validation/main/loss': 0.0405, 'validation/main/accuracy': 0.9871}]
    line = mnist_cnn.KerasEpochLine(epochs=2)
    for end in (1, 2):
        line(types.SimpleNamespace(get_extension=lambda name: types.SimpleNamespace(log=log[:end])))
    assert capsys.readouterr().out.splitlines() == [
        'Epoch 1/2 - 169s - loss: 0.2564 - acc: 0.9211 - val_loss: 0.0555 - val_acc: 0.9818',
        'Epoch 2/2 - 169s - loss: 0.0856 - acc: 0.9749 - val_loss: 0.0405 - val_acc: 0.9871']


def test_help_names_the_optimizer_pitfall(run):
    result = run('experiments.mnist_cnn', '--help')
    assert result.returncode == 0
    assert 'adadelta' in result.stdout
    assert 'learning_rate=0.001' in result.stdout
