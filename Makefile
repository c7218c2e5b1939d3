# `make reproduce` and `make test` do all set-up themselves on a fresh machine
# (Python 3.11 and pip): they create .venv and install netlib into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# chainer 7.8.1 is an sdist; its isolated build needs setuptools<74 too.
PIP_INSTALL := PIP_CONSTRAINT=constraints.txt $(PY) -m pip install --quiet --disable-pip-version-check

# The data folder (MNIST, the book's weights) when the shared one is beside the clone.
ifneq ($(wildcard ../shared/data),)
export NETLIB_DATA_DIR ?= $(abspath ../shared/data)
endif

.PHONY: reproduce test install bench clean

$(VENV)/.installed: setup.py constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) 'setuptools<74' wheel
	$(PIP_INSTALL) -e '.[test]'
	touch $@

install: $(VENV)/.installed

reproduce: install
	$(PY) -m experiments.reproduce

test: install
	$(PY) -m pytest -q tests

# PyTorch 2.13 needs setuptools >= 77, which breaks chainer: its own virtualenv.
TORCH_VENV := bench/.venv-torch
$(TORCH_VENV)/.installed:
	test -x $(TORCH_VENV)/bin/python || $(PYTHON) -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0 numpy
	touch $@

bench: install $(TORCH_VENV)/.installed
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) $(TORCH_VENV) .pytest_cache  # never runs/: earlier results
