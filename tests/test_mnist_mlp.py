import json

from experiments import mnist_mlp


def test_one_epoch_on_6000_images_reaches_085(data_dir, tmp_path):
    out = tmp_path / 'run'
    metrics = mnist_mlp.main(['--epoch', '1', '--unit', '100', '--train-size', '6000',
                              '--data-dir', str(data_dir), '--out', str(out)])
    assert metrics['test_accuracy'] >= 0.85
    assert {'args', 'log', 'loss.png', 'accuracy.png', 'metrics.json',
            'snapshot_epoch_1'} <= {p.name for p in out.iterdir()}
    log = json.loads((out / 'log').read_text())
    assert log[0]['epoch'] == 1 and log[0]['iteration'] == 60
    assert 'validation/main/accuracy' in log[0]


def test_progress_bar_on_request_and_report_are_printed(run, data_dir, tmp_path):
    result = run('experiments.mnist_mlp', '--epoch', '1', '--unit', '20', '--train-size',
                 '2000', '--test-size', '200', '--data-dir', data_dir, '--out', tmp_path / 'r',
                 '--progress')
    assert result.returncode == 0, result.stderr
    assert 'this epoch [' in result.stderr  # Chainer's ProgressBar, asked for in a pipe
    assert 'this epoch [' not in result.stdout  # the bar draws on stderr alone
    assert 'validation/main/accuracy' in result.stdout  # PrintReport's header


def test_resume_of_a_finished_run_adds_epochs(data_dir, tmp_path):
    out = tmp_path / 'run'
    common = ['--unit', '20', '--train-size', '1000', '--test-size', '200',
              '--data-dir', str(data_dir), '--out', str(out)]
    mnist_mlp.main(['--epoch', '1', *common])
    mnist_mlp.main(['--epoch', '2', '--resume', *common])
    log = json.loads((out / 'log').read_text())
    assert [record['epoch'] for record in log] == [1, 2]
