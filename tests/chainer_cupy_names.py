"""Every ``cupy.*`` name Chainer's source uses, and those the installed CuPy (with
netlib's compat) lacks: a JSON object ``{"names": N, "missing": {name: [files]},
"keywords": {name: [keyword, ...]}}`` on stdout.  Run with the CuPy to check on the path.

Chainer reaches CuPy as ``cupy.X`` and ``cupyx.X``, and through
``chainer.backends.cuda``'s aliases: ``cuda.cupy``, ``cuda.cuda`` (``cupy.cuda``),
``cuda.cudnn`` (``cupy.cudnn``) and ``cuda.libcudnn`` (``cupy.cuda.cudnn``).
"""

import ast
import importlib
import inspect
import json
import pathlib

import netlib.compat  # noqa: F401  (chainer imports on this NumPy)

ALIASES = {('cuda', 'cupy'): 'cupy', ('cuda', 'cupyx'): 'cupyx', ('cuda', 'cuda'): 'cupy.cuda',
           ('cuda', 'cudnn'): 'cupy.cudnn', ('cuda', 'libcudnn'): 'cupy.cuda.cudnn'}
PACKAGES = ('chainer', 'chainermn')


def dotted(node):
    """``a.b.c`` of an attribute chain on a name, as a list; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else None


def cupy_name(parts):
    """The CuPy name a chain of Chainer's code reaches, or None."""
    for start in range(len(parts) - 1):
        alias = ALIASES.get(tuple(parts[start:start + 2]))
        if alias:
            return '.'.join([alias, *parts[start + 2:]])
    return '.'.join(parts) if parts[0] in ('cupy', 'cupyx') else None


def uses(tree):
    """(cupy name, keyword names of a call to it) for every use in *tree*."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func):
            name = cupy_name(dotted(node.func))
            if name:
                yield name, [keyword.arg for keyword in node.keywords if keyword.arg]
        elif isinstance(node, ast.Attribute) and dotted(node):
            name = cupy_name(dotted(node))
            if name:
                yield name, []
        elif isinstance(node, ast.ImportFrom) and (node.module or '').split('.')[0] == 'cupy':
            yield from ((f'{node.module}.{alias.name}', []) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names
                        if alias.name.split('.')[0] in ('cupy', 'cupyx'))


def resolve(name):
    """The object *name* names, or None."""
    parts = name.split('.')
    for end in range(len(parts), 0, -1):
        try:
            found = importlib.import_module('.'.join(parts[:end]))
            break
        except ImportError:
            continue
    for part in parts[end:]:
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def unknown_keywords(function, keywords):
    """The *keywords* that *function*'s signature does not take (none when it can't say)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a compiled function without a signature
        return []
    if any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters):
        return []
    return sorted(set(keywords) - {parameter.name for parameter in parameters})


def main():
    files, keywords = {}, {}
    for package in PACKAGES:
        root = pathlib.Path(importlib.util.find_spec(package).origin).parent
        for path in sorted(root.rglob('*.py')):
            for name, call_keywords in uses(ast.parse(path.read_text(encoding='utf-8'))):
                files.setdefault(name, set()).add(str(path.relative_to(root.parent)))
                keywords.setdefault(name, set()).update(call_keywords)
    missing, wrong_keywords = {}, {}
    for name in sorted(files):
        found = resolve(name)
        if found is None:
            missing[name] = sorted(files[name])
        elif unknown_keywords(found, keywords[name]):
            wrong_keywords[name] = unknown_keywords(found, keywords[name])
    print(json.dumps({'names': len(files), 'missing': missing, 'keywords': wrong_keywords}))


if __name__ == '__main__':
    main()
