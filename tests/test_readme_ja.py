"""README.ja.md, the Japanese guide, carries what README.md says in the sections it translates.

The rule: README.ja.md lists the same experiments as README.md (and as setup.py and the
registry), each beside the Japanese title of every post its registry source names; it has
every command line of README.md's opening, "Your own Chainer code", "Experiments",
"Notebooks" and "`steps_regression`" sections, and no command README.md lacks; README.md's
"From Python" examples unchanged; and flag tables whose flags all exist, with the whole vocabulary.
"""

import ast
import functools
import re

import pytest

from conftest import ROOT, parser_of
from experiments import posts
from experiments.registry import EXPERIMENTS

README = (ROOT / 'README.md').read_text(encoding='utf-8')
README_JA = (ROOT / 'README.ja.md').read_text(encoding='utf-8')

EXPERIMENTS_TABLE = {'README.md': '| script | source | reproduces or measures |',
                     'README.ja.md': '| スクリプト | 出典 | 再現・測定する内容 |'}
# README.md's sections whose commands README.ja.md carries, by the start of their heading.
CARRIED = ('# netlib', '### Your own Chainer code', '## Experiments', '## Notebooks',
           '### `steps_regression`')
# A code block's line that runs make, netlib or python, after any VAR=value.
COMMAND = re.compile(r'(?:[A-Z_]+=\S* )*(?:make|netlib|python)\b')
BOOK = 'ゼロから作るDeep Learning'


def table(markdown, header, start=0):
    """The rows (lists of cells) of the first table from *start* whose header line is *header*."""
    lines = markdown[markdown.index(header + '\n', start):].split('\n\n')[0].splitlines()
    return [[cell.strip() for cell in re.split(r'(?<!\\)\|', line)[1:-1]] for line in lines[2:]]


def experiments_table(name):
    """{script: source cell} of README *name*'s experiments table, in its order."""
    markdown = (ROOT / name).read_text(encoding='utf-8')
    return {row[0].strip('`'): row[1] for row in table(markdown, EXPERIMENTS_TABLE[name])}


def sections(markdown):
    """{heading line: its text up to the next heading of any level}."""
    parts = re.split(r'^(#{1,3} .*)$', markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def code_blocks(markdown, language=''):
    """The code blocks of *markdown* fenced as ```*language* ('': no language)."""
    blocks = re.findall(r'^```(\w*)\n(.*?)^```$', markdown, re.M | re.S)
    return [body for fenced, body in blocks if fenced == language]


def command_lines(markdown):
    """Every command line of *markdown*'s plain code blocks, its comment and spacing dropped."""
    lines = (re.sub(r'\s+#.*', '', line) for block in code_blocks(markdown) for line in
             block.splitlines())
    return [' '.join(line.split()) for line in lines if COMMAND.match(line)]


def setup_experiments():
    """setup.py's EXPERIMENTS, read without running setup()."""
    tree = ast.parse((ROOT / 'setup.py').read_text(encoding='utf-8'))
    return next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                and [target.id for target in node.targets] == ['EXPERIMENTS'])


@functools.cache
def existing_options():
    """Every option string some experiment's parser takes."""
    return {option for module in {experiment.module for experiment in EXPERIMENTS}
            for action in parser_of(module)._actions for option in action.option_strings}


def options(text):
    return set(re.findall(r'(?<![\w-])--?[a-z][\w-]*', text))


def flag_table_options(markdown):
    """The options in the first column of every table headed ``| flag |`` or ``| フラグ |``."""
    headers = re.finditer(r'^\| (?:flag|フラグ) \|.*$', markdown, re.M)
    return {option for header in headers for row in table(markdown, header[0], header.start())
            for option in options(row[0])}


def test_both_readmes_list_the_registered_experiments_in_the_same_order():
    registered = sorted({experiment.module.split('.')[-1] for experiment in EXPERIMENTS})
    assert sorted(setup_experiments()) == registered
    english = list(experiments_table('README.md'))
    assert sorted(english) == registered
    assert list(experiments_table('README.ja.md')) == english


def test_each_experiment_names_its_posts_by_their_japanese_titles():
    assert BOOK in posts.DLFS
    titles = [value.title for value in vars(posts).values() if isinstance(value, posts.Post)]
    rows = experiments_table('README.ja.md')
    missing = [(experiment.name, title) for experiment in EXPERIMENTS
               for title in [title for title in titles if f'「{title}」' in experiment.source]
               + [BOOK] * (posts.DLFS in experiment.source)
               if title not in rows.get(experiment.module.split('.')[-1], '')]
    assert missing == []


def test_readme_ja_has_every_command_of_readmes_opening_own_code_experiments_and_steps():
    """Every make, netlib or python line of a code block in README.md's CARRIED sections is a
    command line of README.ja.md's code blocks (comments translated, the command identical)."""
    carried = [text for heading, text in sections(README).items() if heading.startswith(CARRIED)]
    assert len(carried) == len(CARRIED)
    wanted = [command for text in carried for command in command_lines(text)]
    assert {'make reproduce', 'make test', 'netlib run mnist_mlp --epoch 1 --unit 100',
            'python -m experiments.steps_regression --optimizer adam --lr 0.01 --epoch 200'} \
        <= set(wanted)
    assert [command for command in wanted if command not in command_lines(README_JA)] == []


def test_readme_ja_gives_no_command_readme_lacks():
    english = ' '.join(README.split())
    assert [command for command in command_lines(README_JA) if command not in english] == []


def test_readme_ja_carries_readmes_python_examples_unchanged():
    from_python = next(text for heading, text in sections(README).items()
                       if heading == '## From Python')
    assert code_blocks(README_JA, 'python') == code_blocks(from_python, 'python')


@pytest.mark.parametrize('markdown', [README, README_JA], ids=['README.md', 'README.ja.md'])
def test_every_flag_in_a_flag_table_exists(markdown):
    tabled = flag_table_options(markdown)
    assert tabled
    assert sorted(tabled - existing_options()) == []


def test_readme_ja_flag_tables_hold_readmes_whole_vocabulary():
    """Every existing flag README.md's vocabulary paragraph names (``--epo 1`` is there as an
    error) is in a flag table of README.ja.md."""
    paragraph = next(part for part in README.split('\n\n')
                     if part.startswith('Every script speaks one flag vocabulary'))
    named = options(paragraph) & existing_options()
    assert '--kernels' in named
    assert sorted(named - flag_table_options(README_JA)) == []


def test_the_readmes_link_to_each_other():
    assert '日本語: [README.ja.md](README.ja.md)' in README.splitlines()[:3]
    assert 'English: [README.md](README.md)' in README_JA.splitlines()[:3]
