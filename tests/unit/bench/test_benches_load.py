"""``make bench`` is not part of ``make test``, so a rename in the code it measures would go
unseen until someone runs it: each benchmark ``make bench`` lists must import and offer its
title and ``run`` (nothing is timed here), and every bench module must be listed."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.bench.__main__ import BENCHES

BENCH_DIR = Path(__file__).parents[2] / "bench"


@pytest.mark.parametrize("name", BENCHES)
def test_each_benchmark_imports_with_a_title_and_a_run(name: str) -> None:
    module = importlib.import_module(f"tests.bench.{name}")

    assert isinstance(module.TITLE, str)
    assert module.TITLE
    assert callable(module.run)


def test_make_bench_lists_every_bench_module() -> None:
    modules = {p.stem for p in BENCH_DIR.glob("bench_*.py")}

    assert modules == set(BENCHES)
