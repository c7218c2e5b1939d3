"""``chainerui`` that runs on today's gevent: ``python -m netlib.cli.ui ARGS``.

ChainerUI 0.11, its last release, starts its server with ``gevent.signal``,
a name gevent has since removed (it is ``gevent.signal_handler`` now), so
``chainerui server`` ends in ``AttributeError``.  This puts the old name
back, then runs ChainerUI's own command line with the same arguments::

    python -m netlib.cli.ui server --host 127.0.0.1 --port 5000

Every other ``chainerui`` command (``db``, ``project``) works as it is and
works here too.  Needs the ``ui`` extra: ``pip install -e '.[ui]'``.
"""

import sys


def main():
    try:
        import gevent
        from chainerui.app import main as chainerui_main
    except ImportError as error:
        sys.exit(f"{error}: install the ui extra, pip install -e '.[ui]'")
    if not callable(getattr(gevent, 'signal', None)):
        gevent.signal = gevent.signal_handler
    chainerui_main()


if __name__ == '__main__':
    main()
