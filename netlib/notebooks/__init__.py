"""An experiment as a Jupyter notebook: its script's ``main()`` cell by cell, run with its
outputs and plots (``netlib notebook NAME``; the ``notebook`` extra: jupytext, nbclient,
ipykernel).  Nothing else in netlib imports it."""
