"""data_harvester takes the held commodities from its pattern's positions step."""

from __future__ import annotations

import pytest

from dawsos_core.agents.data_harvester import DataHarvester


def test_held_commodities_skip_cash() -> None:
    positions = [
        {"commodity": "VEA", "cash": False},
        {"commodity": "USD", "cash": True},
        {"commodity": "GLD", "cash": False},
    ]

    assert DataHarvester._held({"positions": positions}) == ["VEA", "GLD"]


@pytest.mark.parametrize("args", [{}, {"positions": None}, {"positions": [{"units": "1"}]}])
def test_a_pattern_without_positions_is_told_what_to_pass(args: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"ledger\.positions"):
        DataHarvester._held(args)
