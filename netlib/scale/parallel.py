"""Data-parallel training with ChainerMN: one worker per MPI process, gradients averaged.

``--communicator naive|flat|pure_nccl`` under ``mpiexec -n K`` (or
``netlib run --np K NAME``) makes a run data-parallel, as ChainerMN's
``train_mnist.py`` does: every worker holds the whole model and a K-th of the
training set, takes ``--batchsize`` examples per update, and the multi-node
optimizer averages the K gradients, so one update sees K x ``--batchsize``
examples.  The test set is split too and its numbers summed over the workers.
Rank 0 alone writes the run folder, the log, the snapshots and prints.
"""

import atexit
import os
import shutil
import sys
import tempfile

import numpy as np
from chainer.datasets import TupleDataset

from netlib.errors import UsageError

COMMUNICATORS = ('naive', 'flat', 'pure_nccl')
# ChainerMN's own table (chainermn.create_communicator): only naive runs on the CPU.
NEEDS_GPU = ('flat', 'pure_nccl')
MPI_INSTALL_HINT = "pip install -e '.[mpi]' (mpi4py and the mpich wheel)"


def launched_rank():
    """This process's rank as mpiexec told it (MPICH, Open MPI, PMIx), before MPI starts.

    A bad flag is refused by every worker alike; only rank 0 says so.
    """
    for variable in ('PMI_RANK', 'OMPI_COMM_WORLD_RANK', 'PMIX_RANK'):
        if os.environ.get(variable, '').isdigit():
            return int(os.environ[variable])
    return 0


def communicator(name, device):
    """The ChainerMN communicator *name* of this process, or a one-line UsageError.

    Checked before anything is written: mpi4py installed, started by mpiexec
    with more than one process, a GPU for the communicators that need one.
    """
    if name in NEEDS_GPU and device.xp is np:
        raise UsageError(f'--communicator {name} needs one GPU per worker (--device 0); '
                         'on the CPU use --communicator naive')
    try:
        from mpi4py import MPI
    except ImportError:
        raise UsageError(f'--communicator needs mpi4py and an MPI: {MPI_INSTALL_HINT}') \
            from None
    if MPI.COMM_WORLD.Get_size() < 2:
        raise UsageError(f'--communicator {name} trains on several processes: start it with '
                         'mpiexec -n K (K >= 2) or netlib run --np K NAME')
    import chainermn
    try:
        comm = chainermn.create_communicator(name)
    except Exception as error:  # noqa: BLE001 -- NCCL or CuPy missing raise many kinds
        raise UsageError(f'--communicator {name}: {error}') from None
    if comm.rank != 0:  # only rank 0 prints, as in ChainerMN's examples
        sys.stdout = open(os.devnull, 'w')  # noqa: SIM115 -- for the life of the process
    return comm


def rank_device(comm, device):
    """Worker i of a machine uses its GPU i (ChainerMN's ``comm.intra_rank``)."""
    if device.xp is np:
        return device
    from netlib.device import get_device
    return get_device(f'@cupy:{comm.intra_rank}')


def claim_on_rank0(comm, claim):
    """Rank 0's run folder (``claim()``); the other ranks get a scratch folder nobody reads.

    A folder rank 0 cannot create is an error on every rank, so none waits for it.
    """
    error = None
    if comm.rank == 0:
        try:
            folder = claim()
        except UsageError as refused:
            error = str(refused)
    error = comm.mpi_comm.bcast(error, root=0)
    if error:
        raise UsageError(error)
    if comm.rank == 0:
        return folder
    scratch = tempfile.mkdtemp(prefix='netlib-rank-')  # the Trainer makes its `out`
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    return scratch


def scatter(dataset, comm, seed, equal=True):
    """This worker's share of *dataset* (shuffled with *seed*, the same split on every rank).

    ``chainermn.scatter_dataset`` without its broadcast: every worker has
    already read the data, so only the split (``scatter_index``) is agreed.
    *equal* shares (some examples twice) keep the workers' updates in step;
    the test set is split without repeats.  A TupleDataset of arrays stays one.
    """
    from chainermn.datasets import scatter_index
    if len(dataset) < comm.size:
        raise UsageError(f'{len(dataset)} examples cannot be split over {comm.size} workers')
    order = np.random.RandomState(seed).permutation(len(dataset))
    begin, end = scatter_index(len(dataset), comm, force_equal_length=equal)
    indices = order[begin:end]
    if isinstance(dataset, TupleDataset):
        return TupleDataset(*(array[indices] for array in dataset._datasets))
    return [dataset[index] for index in indices]


def describe(comm, name, batchsize):
    return (f'data-parallel: {comm.size} workers ({name} communicator), batch {batchsize} '
            f'per worker, {comm.size * batchsize} per update')


def optimizer(optimizer, comm):
    """The multi-node optimizer, rank 0's parameters already on every worker.

    ChainerMN's broadcasts them at its first ``update()`` and drops that
    update's gradients, so a K-worker run would make one update fewer than the
    one-process run of the same total batch; broadcasting here keeps it.
    (A model with parameters still uninitialized is broadcast at its first update.)
    """
    import chainermn
    multi = chainermn.create_multi_node_optimizer(optimizer, comm)
    comm.bcast_data(optimizer.target)
    multi.is_changed(optimizer.target)  # it records the parameters it has seen broadcast
    return multi


def evaluator(evaluator, comm):
    """*evaluator* (a WholeSetEvaluator) summed over every worker's share of the test set."""
    local = evaluator.evaluate_totals

    def evaluate():
        totals, examples = local()
        keys = sorted(totals)
        summed = comm.allreduce_obj(np.array([totals[key] for key in keys] + [examples],
                                             dtype=np.float64))
        return {key: value / summed[-1] for key, value in zip(keys, summed[:-1])}

    evaluator.evaluate = evaluate
    return evaluator
