"""An experiment's notebook made from its script, run, and written with its outputs.

The script stays the one source: the notebook is made again from it
(:mod:`netlib.notebooks.cells`), never edited by hand, and run in a kernel of this
Python (:mod:`netlib.notebooks.execution`).  Its first cell says what ran and for
how long.
"""

import os
import sys
import time

import jupytext
import nbformat

from netlib.notebooks import cells, execution

KERNELSPEC = {'name': 'python3', 'display_name': 'Python 3 (ipykernel)', 'language': 'python'}


def experiment_notebook(module, argv, header=None, plots=None):
    """The notebook of experiment *module* (its ``main()`` in numbered sections) with the
    flags *argv*: *header* (markdown) first, else the module's docstring; then the cells."""
    script = cells.script_cells(module.__file__, module.__name__)
    if header is None:
        header = f'# {module.__name__}\n\n{markdown(module.__doc__ or "")}'
    return notebook(cells.percent_text(script, argv, header, plots))


def notebook(text):
    """The notebook of *text*, in jupytext's percent format, its cells named by their place
    (nbformat's random ids would change each time it is made)."""
    made = jupytext.reads(text, fmt='py:percent')
    made.metadata = {'kernelspec': KERNELSPEC}
    for number, cell in enumerate(made.cells):
        cell.id = f'cell-{number}'
    return made


def code_cells(made):
    """The sources of a notebook's code cells, in order."""
    return [cell.source for cell in made.cells if cell.cell_type == 'code']


def markdown(docstring):
    """A docstring's reStructuredText as Markdown: ````x```` as ```x```, a ``::`` literal
    block (already indented four spaces) as Markdown's indented code."""
    text = docstring.strip('\n').replace('``', '`')
    return '\n'.join(line[:-1] if line.endswith('::') else line for line in text.splitlines())


def run_and_write(made, path, command, folder, pythonpath=()):
    """Run *made* in a new kernel with *folder* as its working folder, say in its first cell
    that *command* ran and in how long, write it to *path*; the seconds it ran."""
    with execution.kernel(pythonpath) as manager:
        started = time.perf_counter()
        execution.execute(made, manager, folder)
        seconds = time.perf_counter() - started
    made.cells[0].source += (f'\n\nThe outputs below are `{command}`, run in '
                             f'{duration(seconds)} on {os.cpu_count()} CPU cores (Python '
                             f'{sys.version_info.major}.{sys.version_info.minor}).')
    nbformat.write(made, str(path))
    return seconds


def duration(seconds):
    """``47 s``, ``3 min``: a run time as far as it stays the same from run to run."""
    return f'{seconds:.0f} s' if seconds < 120 else f'{seconds / 60:.0f} min'
