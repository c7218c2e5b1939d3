"""An experiment script's ``main()`` as the cells of a notebook, in jupytext's percent format.

A script of netlib's shape (:mod:`netlib.cli.registry`) parses its flags, makes
its ``Run``, then works in numbered sections, as the book's scripts do::

    def main(argv=None):
        args = flags.parse(argv, __doc__, DEFAULTS)
        run = Run(args)

        # 0: load data
        ...
        # 3: results
        return run.save_metrics(metrics)

Each section, from its ``# N:`` line to the next, is a code cell, as the
script has it (one indent less).  Before them: the script's imports, with the
names ``main`` takes from the script itself; ``argv``, the flags, in the cell
tagged ``parameters`` (papermill's name for the cell a caller may replace);
what ``main`` does before section 0.  ``main``'s closing ``return X`` answers
its caller: the notebook runs ``X;`` without showing it (the printed lines give
the numbers), and leaves out a ``return NAME``, a value already at hand.  A
last cell shows the plots the run wrote.
"""

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from netlib.errors import UsageError

SECTION = re.compile(r'^# (\d+):', re.MULTILINE)  # a numbered section's first line
STEPS = [0, 1, 2, 3]  # load data, settings, training, results
RETURN = 'return '
LINE_WIDTH = 99


@dataclass(frozen=True)
class ScriptCells:
    """The code cells of a script's notebook but the flags and the plots."""

    imports: str
    preamble: str
    sections: tuple


def script_cells(path, module):
    """:class:`ScriptCells` of the script at *path*, importable as *module*; a script
    without ``main()`` or without its sections ``# 0:`` to ``# 3:`` in order is refused."""
    source = Path(path).read_text(encoding='utf-8')
    tree = ast.parse(source)
    lines = source.splitlines()
    main = next((node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == 'main'), None)
    if main is None:
        raise UsageError(f'{path} has no main(): no notebook to make')
    body, numbers = _split_sections(_main_body(main, lines))
    if sorted(set(numbers)) != STEPS or numbers != sorted(numbers):
        raise UsageError(f"{path}: main()'s sections must be numbered # 0: to # 3: in order "
                         f'(load data, settings, training, results); found {numbers}')
    imports = '\n'.join(filter(None, [_imports(tree, lines),
                                      _taken_from_script(tree, main, module)]))
    cells = ScriptCells(imports, body[0], tuple(body[1:]))
    for text in (cells.imports, cells.preamble, *cells.sections):
        compile(text, str(path), 'exec')  # a section that splits a statement fails here
    return cells


def _main_body(main, lines):
    """``main``'s lines, one indent less, the comments above its first statement with them,
    its closing ``return`` as the notebook has it."""
    start = main.body[0].lineno - 1
    while start - 1 >= main.lineno and lines[start - 1].strip().startswith('#'):
        start -= 1
    closing = main.body[-1]
    end = closing.lineno - 1 if isinstance(closing, ast.Return) else main.end_lineno
    body = textwrap.dedent('\n'.join(lines[start:end]))
    if isinstance(closing, ast.Return) and not isinstance(closing.value, (ast.Name, type(None))):
        returned = textwrap.dedent('\n'.join(lines[closing.lineno - 1:closing.end_lineno]))
        body += '\n' + _unreturned(returned) + ';'
    return body


def _unreturned(statement):
    """``return f(\\n       x)`` as ``f(\\nx)``, its continuation lines moved left with it."""
    first, *rest = statement.removeprefix(RETURN).split('\n')
    indent = ' ' * len(RETURN)
    return '\n'.join([first, *(line.removeprefix(indent) for line in rest)])


def _split_sections(body):
    """(preamble, section, ...) of *body* and the sections' numbers."""
    starts = [match.start() for match in SECTION.finditer(body)]
    numbers = [int(match.group(1)) for match in SECTION.finditer(body)]
    pieces = [body[a:b] for a, b in zip([0, *starts], [*starts, len(body)])]
    return [piece.strip('\n') for piece in pieces], numbers


def _imports(tree, lines):
    """The script's own import statements, its blank lines between groups kept."""
    texts, previous_end = [], None
    for node in tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if previous_end is not None and not lines[previous_end].strip():
            texts.append('')
        texts.append('\n'.join(lines[node.lineno - 1:node.end_lineno]))
        previous_end = node.end_lineno
    return '\n'.join(texts)


def _taken_from_script(tree, main, module):
    """``from MODULE import ...``: what ``main`` uses that the script itself defines, in
    the script's order (its docstring first, as ``__doc__``)."""
    used = {node.id for node in ast.walk(main) if isinstance(node, ast.Name)}
    names = ['__doc__'] if '__doc__' in used else []
    for node in tree.body:
        names += [name for name in _defined(node) if name in used and name not in names]
    if not names:
        return ''
    line = f'from {module} import {", ".join(names)}'
    return line if len(line) <= LINE_WIDTH else f'from {module} import (\n{_wrapped(names)})'


def _wrapped(items):
    """*items* comma-separated, in lines of at most :data:`LINE_WIDTH`, indented."""
    return textwrap.fill(', '.join(items), LINE_WIDTH - 4, initial_indent='    ',
                         subsequent_indent='    ', break_long_words=False)


def _defined(node):
    """The names a top-level statement of the script binds (but imports)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else (
        [node.target] if isinstance(node, ast.AnnAssign) else [])
    return [name.id for target in targets for name in ast.walk(target)
            if isinstance(name, ast.Name)]


def percent_text(cells, argv, header, plots=None):
    """The notebook in jupytext's percent format: *header* (markdown), the imports, the
    flags *argv* (the cell tagged ``parameters``), the preamble, the sections, and a cell
    that shows the run's plots: the PNG files named in *plots*, else every one it wrote."""
    parts = [_markdown(header), _code(cells.imports),
             _code(f'# the flags, as on the command line\nargv = {list(argv)!r}',
                   ' tags=["parameters"]'),
             *map(_code, filter(None, [cells.preamble, *cells.sections]))]
    if plots != ():
        parts.append(_code(_plots_cell(plots)))
    return '\n\n'.join(parts) + '\n'


def _markdown(text):
    return '# %% [markdown]\n' + '\n'.join(f'# {line}'.rstrip() for line in text.splitlines())


def _code(text, metadata=''):
    return f'# %%{metadata}\n{text}'


def _plots_cell(plots):
    if plots is None:
        shown = "for path in sorted(run.out.glob('*.png')):\n    display(Image(filename=path))"
    else:
        names = [repr(name) for name in plots]
        listed = f'for name in ({", ".join(names)}{"," if len(names) == 1 else ""}):'
        if len(listed) > LINE_WIDTH:
            listed = f'for name in (\n{_wrapped(names)}):'
        shown = f'{listed}\n    display(Image(filename=run.path(name)))'
    return ("# the run's plots, the PNG files in its folder\n"
            f'from IPython.display import Image, display\n\n{shown}')
