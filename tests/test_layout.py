"""The README's Layout section names every netlib module, and only modules that exist.

The section is a tree: a package line starts with its path in backticks
(`` - `netlib/plots/`: ...``), each module line below it, indented, with the
module's file name (`` - `curves.py`: ...``; a few modules may share one line).
A package's ``__init__.py`` is described on the package's own line.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r'^(?P<indent>\s*)- `(?P<name>[^`]+)`')


def layout_section():
    text = (ROOT / 'README.md').read_text(encoding='utf-8')
    section = re.search(r'^## Layout\n(.*?)(?=^## |\Z)', text, re.S | re.M)
    assert section, 'README.md has no "## Layout" section'
    return section.group(1)


def named_in_layout():
    """(packages, modules) the Layout section names, as paths from the repository root."""
    packages, modules, package = set(), set(), None
    for line in layout_section().splitlines():
        entry = ENTRY.match(line)
        if not entry:
            continue
        name = entry['name']
        if name.endswith('/'):
            package = name if name.startswith('netlib/') else None
            if package:
                packages.add(package.rstrip('/'))
        elif package and entry['indent']:  # one module, or a few that share a line
            heading = line.partition(':')[0]
            modules.update(package + module for module in re.findall(r'`([^`/]+\.py)`', heading))
    return packages, modules


def netlib_tree():
    """(packages, modules) below netlib/: folders with an ``__init__.py``, other files."""
    files = [path.relative_to(ROOT).as_posix() for path in (ROOT / 'netlib').rglob('*.py')]
    packages = {path.rpartition('/')[0] for path in files if path.endswith('/__init__.py')}
    return packages, {path for path in files if not path.endswith('/__init__.py')}


def test_every_module_is_in_the_layout():
    packages, modules = named_in_layout()
    tree_packages, tree_modules = netlib_tree()
    assert sorted(tree_packages - packages) == [], 'packages missing from the Layout'
    assert sorted(tree_modules - modules) == [], 'modules missing from the Layout'


def test_every_module_in_the_layout_exists():
    packages, modules = named_in_layout()
    tree_packages, tree_modules = netlib_tree()
    assert sorted(packages - tree_packages) == [], 'the Layout names packages that do not exist'
    assert sorted(modules - tree_modules) == [], 'the Layout names modules that do not exist'
