"""The notebooks: one per registered run, each its script's ``main()`` cell by cell, each runs.

``notebooks/NAME.ipynb`` is made by ``make notebooks`` (experiments/notebooks.py), never
by hand: a script edited without making its notebook again fails
``test_each_notebook_is_its_script``.  ``test_every_notebook_runs_at_a_tiny_size`` runs
every committed notebook in one kernel, its ``parameters`` cell replaced by a tiny
setting (about 40 s of CPU for all of them, most of it the runs themselves).
"""

import subprocess
import sys

import nbformat
import numpy as np
import pytest

from conftest import ROOT
from experiments import notebooks
from experiments.registry import EXPERIMENTS
from netlib.cli import registry
from netlib.errors import UsageError
from netlib.links.convnets import KerasMnistCNN
from netlib.notebooks import cells, execution, writing
from netlib.serializers.saved_models import save

# Each run at a size that takes a second or two; CNN: an untrained scoring classifier.
TINY = {
    'steps_regression': ['--epoch', '10'],
    'steps_regression_blog': ['--replay-blog'],
    'logic_gates': ['--epoch', '20'],
    'mnist_inference': ['--test-size', '200'],
    'mnist_mlp': ['--epoch', '1', '--train-size', '200', '--test-size', '100', '--unit', '20'],
    'optimizer_compare': ['--iteration', '8'],
    'vanishing_gradient': ['--train-size', '200', '--test-size', '100', '--iteration', '10',
                           '--hidden-layers', '3', '--unit', '20'],
    'weight_init': ['--train-size', '200', '--test-size', '100', '--iteration', '10',
                    '--unit', '20', '--histogram-inputs', '100', '--histogram-layers', '2'],
    'batch_norm': ['--train-size', '200', '--epoch', '1', '--scales', '2', '--unit', '20'],
    'overfit_dropout': ['--train-size', '200', '--test-size', '100', '--epoch', '2',
                        '--unit', '20'],
    'autoencoder': ['--train-size', '200', '--test-size', '100', '--epoch', '1', '--unit', '32',
                    '--code', '8'],
    'mnist_cnn': ['--train-size', '200', '--test-size', '100', '--epoch', '1'],
    'byte_cnn': ['--epoch', '1', '--train-windows', '500', '--test-windows', '100',
                 '--channels', '8'],
    'rnn_vs_lstm': ['--iteration', '5', '--test-size', '50', '--lengths', '5,10', '--unit', '8'],
    'char_lm': ['--iteration', '5', '--unit', '16', '--sample-length', '20'],
    'seq2seq_addition': ['--epoch', '1', '--questions', '500', '--unit', '16'],
    'word2vec': ['--epoch', '1', '--repeats', '1', '--unit', '10'],
    'gan_mnist': ['--train-size', '200', '--epoch', '1', '--samples', '100', '--classifier',
                  'CNN'],
    'transfer_learning': ['--net', 'mlp', '--unit', '20', '--epoch', '1', '--per-class', '1,5',
                          '--seeds', '1', '--steps', '5'],
}


def committed(name):
    return nbformat.read(notebooks.NOTEBOOKS / f'{name}.ipynb', as_version=4)


def parameters(notebook):
    return next(cell for cell in notebook.cells if 'parameters' in cell.metadata.get('tags', ()))


def images(cell):
    return sum('image/png' in output.get('data', {}) for output in cell.outputs)


def test_there_is_a_notebook_for_every_registered_run():
    names = {experiment.name for experiment in EXPERIMENTS}
    assert sorted(path.stem for path in notebooks.NOTEBOOKS.glob('*.ipynb')) == sorted(names)
    assert set(registry.registered(registry.EXPERIMENTS)) <= names  # setup.py's 18
    assert set(TINY) == names


def test_each_notebook_is_its_script():
    stale = [experiment.name for experiment in EXPERIMENTS
             if writing.code_cells(committed(experiment.name))
             != writing.code_cells(notebooks.made(experiment))]
    assert stale == [], (f'notebooks/ no longer match their scripts: make notebooks '
                         f'NAMES="{" ".join(stale)}"')


@pytest.mark.parametrize('experiment', EXPERIMENTS, ids=lambda experiment: experiment.name)
def test_each_notebook_opens_with_its_source_and_shows_every_output(experiment):
    notebook = committed(experiment.name)
    header, *rest = notebook.cells
    assert header.source.startswith(f'# {experiment.name}: ')
    assert f'The outputs below are `{notebooks.command(experiment)}`, run in ' in header.source
    code = [cell for cell in rest if cell.cell_type == 'code']
    assert all(cell.execution_count for cell in code)
    assert images(code[-1]) == len(experiment.plots)
    printed = ''.join(output.get('text', '') for cell in code for output in cell.outputs)
    assert '\033' not in printed and '\r' not in printed and 'elapsed_time' not in printed


def test_the_blog_notebook_shows_the_cell_order_behind_the_posts_loss():
    printed = ''.join(output.get('text', '') for cell in committed('steps_regression_blog').cells
                      if cell.cell_type == 'code' for output in cell.outputs)
    assert 'notebook cells run in the order: seed, step1, step2, step3, step1, step1' in printed
    assert 'variable(19.60489845275879)' in printed


def test_every_notebook_runs_at_a_tiny_size(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv('NETLIB_DATA_DIR', str(data_dir))  # before the kernel starts
    np.random.seed(0)
    save(tmp_path / 'cnn.npz', KerasMnistCNN())
    with execution.kernel([ROOT]) as kernel:
        for experiment in EXPERIMENTS:
            notebook = committed(experiment.name)
            flags = [str(tmp_path / 'cnn.npz') if flag == 'CNN' else flag
                     for flag in TINY[experiment.name]]
            parameters(notebook).source = f'argv = {flags!r}'
            folder = tmp_path / experiment.name
            folder.mkdir()
            execution.execute(notebook, kernel, folder)  # a failing cell raises
            assert images(notebook.cells[-1]) == len(experiment.plots), experiment.name


def test_netlib_notebook_makes_and_runs_a_scripts_notebook_and_never_overwrites_one(tmp_path):
    path = tmp_path / 'steps.ipynb'
    result = subprocess.run([sys.executable, '-m', 'netlib.cli.command', 'notebook',
                             'steps_regression', '--ipynb', str(path), '--epoch', '5'],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    notebook = nbformat.read(path, as_version=4)
    from experiments import steps_regression
    assert writing.code_cells(notebook) == writing.code_cells(
        writing.experiment_notebook(steps_regression, ['--epoch', '5']))
    assert (tmp_path / 'runs' / 'steps_regression' / 'loss.png').is_file()
    assert images(notebook.cells[-1]) == 1
    written = path.read_bytes()
    again = subprocess.run([sys.executable, '-m', 'netlib.cli.command', 'notebook',
                            'steps_regression', '--ipynb', str(path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and again.stderr.count('\n') == 1, again.stderr
    assert 'steps.ipynb exists' in again.stderr and path.read_bytes() == written


def test_a_script_without_its_numbered_sections_is_refused(tmp_path):
    script = tmp_path / 'unnumbered.py'
    script.write_text('def main(argv=None):\n    # 0: load data\n    x = 1\n'
                      '    # 2: training\n    x += 1\n    # 1: settings\n    return x\n')
    with pytest.raises(UsageError, match=r'numbered # 0: to # 3: in order .* \[0, 2, 1\]'):
        cells.script_cells(script, 'unnumbered')


def test_printed_text_is_kept_as_a_terminal_shows_it_without_the_clock():
    table = ('epoch       main/loss   elapsed_time\n'
             '1           0.5         0.0316237     \n'
             '2           0.25        0.0714702     \n'
             'test accuracy 0.9 after 2 epochs and 0.07 s, printed by the script\n')
    assert execution.without_elapsed_time(table) == (
        'epoch       main/loss\n1           0.5\n2           0.25\n'
        'test accuracy 0.9 after 2 epochs and 0.07 s, printed by the script\n')
    assert execution.as_printed('\x1b[J10%\r50%\r100%\ndone\n') == '100%\ndone\n'
    printout = ''.join(f'{epoch}\n' for epoch in range(1, 501))
    assert execution.shortened(printout).split('\n')[24:27] == [
        '25', '... (450 lines left out here)', '476']
