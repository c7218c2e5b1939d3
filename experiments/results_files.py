"""The files a reproduction keeps in ``results/``, read back and checked.

``netlib report``, ``netlib list`` and ``netlib reproduce`` read them.  One
cut short, edited by hand or of the wrong shape is a DataError that names it
(one line from the program entry), never a traceback.
"""

import json
import re

from netlib.errors import DataError, UsageError
from netlib.files import read_json, write_json
from experiments.targets import Spread

# Timings change at every run, so git ignores the files that keep them (.gitignore) and
# a rerun with the same seed leaves the tracked outputs as they were.
RUN_TIMES = 'run_times.json'      # seconds per experiment, from the last reproduction
TIMINGS = 'timings.json'          # per experiment: its log's and its metrics' timings
SEED_SPREAD = 'seed_spread.json'  # per experiment: the seeds run and each metric's values
TIMING = re.compile(r'elapsed_time|(^|_)seconds($|_)')  # LogReport's clock, *_seconds_*


def set_timings_aside(folder):
    """Move the timings out of a reference output's ``log`` and ``metrics.json`` into its
    ``timings.json``: the tracked files keep only what the same seed reproduces."""
    timings = {}
    for name in ('log', 'metrics.json'):
        path = folder / name
        if not path.exists():
            continue
        content = json.loads(path.read_text())
        records = content if isinstance(content, list) else [content]
        timings[name] = [{key: record.pop(key) for key in list(record) if TIMING.search(key)}
                         for record in records]
        if any(timings[name]):  # else left byte for byte as the run wrote it
            write_json(path, content)
    write_json(folder / TIMINGS, timings)


def results_folder(results):
    """*results* as a folder to read the reference outputs from; UsageError if it is none."""
    if not results.is_dir():
        raise UsageError(f'--results {results}: no such folder')
    return results


def recorded_metrics(experiment, results):
    """The metrics of an experiment's reference output, if it has one, with every value
    the report reads checked."""
    path = results / experiment.name / 'metrics.json'
    if not path.exists():
        return None
    metrics = read_object(path, 'an object of metrics')
    for name in sorted({name for target in experiment.targets
                        for name in (target.metric, target.against) if name}):
        if metrics.get(name) is not None and not is_number(metrics[name]):
            raise DataError(f'{path}: {name} is {metrics[name]!r}, not a number')
    for key in experiment.texts:
        if not is_texts(metrics.get(key) or {}):
            raise DataError(f'{path}: {key} is not an object of texts (heading: text or '
                            'a list of lines)')
    return metrics


def seed_spreads(results):
    """{(experiment, metric): Spread} from ``seed_spread.json``, if it was measured."""
    path = results / SEED_SPREAD
    spreads = {}
    for name, runs in read_object(path, 'an object of seed spreads').items():
        metrics = runs.get('metrics') if isinstance(runs, dict) else None
        if not isinstance(metrics, dict) or not all(map(is_seed_values, metrics.values())):
            raise DataError(f'{path}: {name} is not {{"seeds": [...], "metrics": {{metric: '
                            '[its value at each seed]}}}')
        spreads.update({(name, metric): Spread(tuple(values))
                        for metric, values in metrics.items()})
    return spreads


def run_times(results):
    """{experiment: seconds its last reproduction took} from ``run_times.json``."""
    path = results / RUN_TIMES
    times = read_object(path, 'an object of run times')
    for name, seconds in times.items():
        if not is_number(seconds):
            raise DataError(f'{path}: {name} took {seconds!r}, not a number of seconds')
    return times


def read_object(path, what):
    """The JSON object in *path* ({} where there is no file); DataError naming it when it
    holds anything else."""
    if not path.exists():
        return {}
    value = read_json(path)
    if not isinstance(value, dict):
        raise DataError(f'{path} is not {what}: no JSON object')
    return value


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_seed_values(values):
    """Whether *values* is a list of a metric's values, None for a seed that had none."""
    return isinstance(values, list) and all(value is None or is_number(value)
                                            for value in values)


def is_texts(texts):
    """Whether *texts* is ``{heading: text, or a list of lines, or None}``."""
    return isinstance(texts, dict) and all(
        text is None or isinstance(text, str) or
        (isinstance(text, list) and all(isinstance(line, str) for line in text))
        for text in texts.values())
