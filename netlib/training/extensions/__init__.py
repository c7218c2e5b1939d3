"""netlib's Trainer extensions, one file each, as in ``chainer.training.extensions``."""

from netlib.training.extensions.divergence_guard import DivergenceGuard  # noqa: F401
from netlib.training.extensions.every_iteration_log import every_iteration  # noqa: F401
from netlib.training.extensions.mean_over_workers import MeanOverWorkers  # noqa: F401
from netlib.training.extensions.optuna_pruning import ReportToTrial  # noqa: F401
from netlib.training.extensions.plot_log import PlotLog  # noqa: F401
from netlib.training.extensions.progress_bar import ProgressBar  # noqa: F401
from netlib.training.extensions.random_state import RandomStateSnapshot  # noqa: F401
from netlib.training.extensions.random_streams import RandomStreams  # noqa: F401
from netlib.training.extensions.whole_set_evaluator import WholeSetEvaluator  # noqa: F401
