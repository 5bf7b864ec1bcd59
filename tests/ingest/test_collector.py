"""Garbage collection during bulk jobs: rarer, never off, and restored afterwards."""

from __future__ import annotations

import gc
import weakref

import pytest

from ingest.job.collector import MIN_YOUNG_THRESHOLD, bulk_allocation, young_threshold


class Cycle:
    """An object that refers to itself: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_the_young_threshold_grows_with_the_batch_size() -> None:
    assert young_threshold(5000) > young_threshold(2000) > MIN_YOUNG_THRESHOLD
    assert young_threshold(10) == MIN_YOUNG_THRESHOLD


def test_cycles_made_during_a_bulk_job_are_still_collected() -> None:
    batch_size = 100
    with bulk_allocation(batch_size):
        first = Cycle()
        gone = weakref.ref(first)
        del first
        # Garbage cycles count as young objects until collected: enough of them start one.
        for _ in range(young_threshold(batch_size) + 1):
            Cycle()
        assert gone() is None


def test_settings_are_restored_after_a_bulk_job_even_when_it_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_allocation(5000):
        assert gc.get_threshold()[0] == young_threshold(5000)
        assert gc.get_freeze_count() > 0
        raise RuntimeError("the job failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
