"""What ``netlib tune`` shows beside its table: Optuna's plots and log lines in netlib's terms."""

import logging

from matplotlib.collections import PathCollection

PLOTS = {'optimization_history': 'plot_optimization_history',
         'param_importances': 'plot_param_importances',
         'parallel_coordinate': 'plot_parallel_coordinate'}


class PrintedLog(logging.Handler):
    """Log lines printed as netlib prints (stdout, beside each trial's line), prefixed."""

    def emit(self, record):
        print(f'optuna: {self.format(record)}', flush=True)


OPTUNA_LOG = PrintedLog()


def route_optuna_log(optuna):
    """Optuna's INFO lines through :data:`OPTUNA_LOG`, once, instead of its stderr handler."""
    optuna.logging.disable_default_handler()
    logger = logging.getLogger('optuna')
    if OPTUNA_LOG not in logger.handlers:
        logger.addHandler(OPTUNA_LOG)


def save_plots(study, out):
    """Optuna's matplotlib plots as PNGs, labelled for netlib's figure check.

    The importances and the parallel coordinates compare trials: drawn once two scores
    differ."""
    import optuna.visualization.matplotlib as optuna_plots
    from netlib import plots
    compared = compared_flags(study)
    for name, function in PLOTS.items():
        options = {}
        if name == 'param_importances' and (not compared or len(study.best_trial.params) < 2):
            continue  # importances need two flags
        if name == 'parallel_coordinate':
            if not compared:
                continue
            options['params'] = compared
        axes = getattr(optuna_plots, function)(study, **options)
        figure = labelled(axes.figure, study.user_attrs['netlib']['objective'])
        plots.save_figure(figure, out / f'{name}.png')


def compared_flags(study):
    """The flags that took two values or more in the completed trials, where their scores
    differ ([] where they do not): an axis each in the parallel coordinates, which Optuna
    spans from its least value to its largest, so that one value would span none."""
    import optuna
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if len({trial.value for trial in complete}) < 2:
        return []
    names = {name for trial in complete for name in trial.params}
    return sorted(name for name in names
                  if len({trial.params.get(name) for trial in complete}) > 1)


def labelled(figure, key):
    """Optuna's figure with what netlib's check asks of every figure.

    The importances' title is on the left (``get_title()`` reads the centre one); the
    history keeps an empty series for infeasible trials and, after one trial, a one-point
    best line (marked); the parallel coordinates draw each flag's scale on its own axes.
    """
    charts = [axes for axes in figure.axes if axes.get_label() != '<colorbar>']
    for axes in charts:
        if not axes.get_title() and axes.get_title(loc='left'):
            axes.set_title(axes.get_title(loc='left'))
            axes.set_title('', loc='left')
        for series in list(axes.collections):
            if isinstance(series, PathCollection) and not len(series.get_offsets()):
                series.remove()
        for line in axes.lines:
            if len(line.get_xdata()) == 1:  # one trial: the best value so far is a point
                line.set(marker='_', markersize=20)
    if len(charts) > 1:  # parallel coordinates: one axis a flag, the objective first
        main = charts[0]
        figure.suptitle(main.get_title())
        main.set_title('')
        main.set_xlabel('flag')
        figure.supylabel(f'{key} (first axis), value of each flag (its own axis)',
                         fontsize='medium')
    for axes in figure.axes:
        if axes.get_ylabel() == 'Objective Value':
            axes.set_ylabel(key)
    return figure
