"""A notebook run in a Jupyter kernel of this Python (nbclient, ipykernel), its outputs stable.

One kernel may run several notebooks: each starts in a fresh namespace and its own
folder, and the modules already imported stay (the tests' way: chainer is imported
once).  The outputs keep what a reader needs and nothing that changes from run to
run without the numbers changing: a cell's printed text in one piece (the kernel
cuts it where the clock falls), no terminal escape codes, no ``elapsed_time`` column
in Chainer's printed table, no timestamps, this Python's folder (``sys.prefix``) as
``<sys.prefix>``; and a long printout (a line an epoch) as its head and its tail.
"""

import os
import re
import sys
from contextlib import contextmanager

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ESCAPE = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
ELAPSED = 'elapsed_time'  # the last column of Chainer's PrintReport
SHOWN_LINES = 25  # of a longer printout, the first and the last so many lines


class ThisPython(KernelSpecManager):
    """The one kernel: this interpreter (its virtualenv), whatever kernels Jupyter lists."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=[sys.executable, '-m', 'ipykernel_launcher',
                                '-f', '{connection_file}'],
                          display_name='Python 3 (ipykernel)', language='python')


@contextmanager
def kernel(pythonpath=()):
    """A started kernel of this Python, *pythonpath* first on its ``sys.path``; shut down
    after the block."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [*map(str, pythonpath),
                                                      env.get('PYTHONPATH')]))
    manager = KernelManager(kernel_spec_manager=ThisPython())
    # ERROR: the kernel's warning about plain TCP on this machine's loopback is noise here.
    manager.start_kernel(env=env, extra_arguments=['--IPKernelApp.log_level=ERROR'])
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)


def execute(notebook, manager, folder):
    """Run every cell of *notebook* in the kernel of *manager*, in a fresh namespace with
    *folder* as the working folder; its outputs made stable (:func:`stable_outputs`).
    A cell that fails raises nbclient's ``CellExecutionError``, its traceback with it."""
    fresh = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f'import os\nos.chdir({str(folder)!r})\n%reset -f')])
    NotebookClient(fresh, km=manager).execute()
    NotebookClient(notebook, km=manager, timeout=None, record_timing=False).execute()
    for cell in notebook.cells:
        if cell.cell_type == 'code':
            cell.outputs = stable_outputs(cell.outputs)
    return notebook


def stable_outputs(outputs):
    """*outputs* with each run of printed text on one stream in one output, cleaned."""
    merged = []
    for output in outputs:
        if (output.output_type == 'stream' and merged and merged[-1].output_type == 'stream'
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == 'stream':
            text = without_elapsed_time(as_printed(output.text))
            output.text = shortened(text.replace(sys.prefix, '<sys.prefix>'))
    return merged


def shortened(text):
    """*text* if it has at most twice :data:`SHOWN_LINES` lines, else its first and last
    lines with a line that says how many are left out between them."""
    body, end = (text[:-1], '\n') if text.endswith('\n') else (text, '')
    lines = body.split('\n')
    if len(lines) <= 2 * SHOWN_LINES + 1:
        return text
    left_out = len(lines) - 2 * SHOWN_LINES
    return '\n'.join([*lines[:SHOWN_LINES], f'... ({left_out} lines left out here)',
                      *lines[-SHOWN_LINES:]]) + end


def as_printed(text):
    """*text* as a terminal leaves it: no escape codes; a line redrawn after a carriage
    return (a progress bar) only as it was last drawn."""
    lines = ESCAPE.sub('', text).split('\n')
    return '\n'.join(line.rstrip('\r').rpartition('\r')[2] for line in lines)


def without_elapsed_time(text):
    """*text* with the ``elapsed_time`` column cut from Chainer's printed table: the
    header's column, and the rows below it (each starts with its epoch or iteration)."""
    lines, column = text.split('\n'), None
    for number, line in enumerate(lines):
        if re.search(rf'\s{ELAPSED}\s*$', line):
            column = line.rindex(ELAPSED)
        elif column is None or not (line[:1].isdigit() and line[column - 2:column] == '  '):
            continue
        lines[number] = line[:column].rstrip()
    return '\n'.join(lines)
