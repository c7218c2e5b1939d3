# `make reproduce` and `make test` do all set-up themselves on a fresh machine
# (Python and pip): they create a virtualenv and install netlib into it.
# Plain `make test` uses python3 in .venv; `make test PYTHON=python3.13` or
# `make test PY_VERSION=3.13` (pyenv's newest 3.13) use .venv-3.13, so each
# Python keeps its own virtualenv.
ifdef PY_VERSION
PYTHON := $(shell PYENV_VERSION=$$(pyenv latest $(PY_VERSION) 2>/dev/null) pyenv which python$(PY_VERSION) 2>/dev/null)
$(if $(PYTHON),,$(error pyenv has no Python $(PY_VERSION): see pyenv versions))
endif
ifdef PYTHON
PY_TAG := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
$(if $(PY_TAG),,$(error $(PYTHON) does not run: give its path, or PY_VERSION=3.13 for pyenv's))
VENV := .venv-$(PY_TAG)
else
PYTHON := python3
VENV := .venv
endif
PY := $(VENV)/bin/python
# chainer 7.8.1 is an sdist: its isolated build reads the constraints too.
PIP_INSTALL := PIP_CONSTRAINT=constraints.txt $(PY) -m pip install --quiet --disable-pip-version-check

# The data folder (MNIST, the book's weights) when the shared one is beside the clone.
ifneq ($(wildcard ../shared/data),)
export NETLIB_DATA_DIR ?= $(abspath ../shared/data)
endif

.PHONY: reproduce test install bench clean gpu-bundle notebooks

$(VENV)/.installed: setup.py constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) setuptools wheel
	$(PIP_INSTALL) -e '.[test]'
	# An editable install leaves out the wheel's .pth (chainer patched on import): copied.
	cp netlib_chainer_compat.pth "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
	touch $@

install: $(VENV)/.installed

reproduce: install
	$(PY) -m experiments.reproduce

# notebooks/NAME.ipynb made again from each script and run (36 min on 2 busy cores);
# NAMES="mnist_mlp logic_gates" for some.
notebooks: install
	$(PY) -m experiments.notebooks $(NAMES)

# -rs: the reason of every skip; -n 2: two pytest-xdist workers (561 tests on 2 cores:
# 356 s in one process, 227 s in two, as subprocess-heavy tests leave a core idle).
# lint-imports first: setup.cfg's contract that netlib imports no experiment nor bench.
test: install
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) -m pytest -q -rs -n 2 tests

# PyTorch 2.13 needs setuptools >= 77, which breaks chainer: its own virtualenv.
# It stays on python3 whatever PYTHON netlib uses: the PyTorch CPU build on
# this machine's disk is for Python 3.11, and other builds bring GBs of CUDA.
TORCH_VENV := bench/.venv-torch
$(TORCH_VENV)/.installed:
	test -x $(TORCH_VENV)/bin/python || python3 -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0 numpy
	touch $@

bench: install $(TORCH_VENV)/.installed
	$(PY) -m bench.run

# What a GPU machine without network lacks to run bench/gpu_check.sh (README, "On a GPU"):
# wheels of Chainer (built from its sdist), netlib, setuptools < 82 (chainer.testing's
# pkg_resources) and gensim for its Python (GPU_PYTHON), and the data folder; under 64 MiB.
GPU_BUNDLE ?= gpu-bundle
GPU_PYTHON ?= 3.12
GPU_WHEELS := $(GPU_BUNDLE)/wheels
gpu-bundle: install
	rm -rf $(GPU_BUNDLE) && mkdir -p $(GPU_WHEELS)
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps -c constraints.txt \
		-w $(GPU_WHEELS) chainer==7.8.1 .
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps -d $(GPU_WHEELS) \
		--only-binary=:all: --python-version $(GPU_PYTHON) --platform manylinux2014_x86_64 \
		--platform manylinux_2_17_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux_2_28_x86_64 'setuptools<82' gensim==4.4.0 smart-open
	test -n "$$NETLIB_DATA_DIR" || { echo 'gpu-bundle: set NETLIB_DATA_DIR to the data folder' >&2; exit 2; }
	mkdir -p $(GPU_BUNDLE)/data && cp -r "$$NETLIB_DATA_DIR"/mnist "$$NETLIB_DATA_DIR"/dlfs $(GPU_BUNDLE)/data
	@du -sm $(GPU_BUNDLE) | awk '{ if ($$1 >= 64) { print "gpu-bundle: " $$1 " MiB, over 64" > "/dev/stderr"; exit 2 } else print "gpu-bundle: " $$1 " MiB" }'

clean:
	rm -rf $(VENV) $(TORCH_VENV) .pytest_cache  # never runs/: earlier results
