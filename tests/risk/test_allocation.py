"""Counting points under dimension caps and the ceiling of 100."""

import numpy as np

from finsentry.risk.allocation import allocate


def test_points_under_the_caps_add_up_largest_first() -> None:
    raw = np.array([[10, 8, 5, 30], [3, 0, 0, 0]])
    dims = np.array([0, 0, 0, 1])

    counted = allocate(raw, dims, np.array([15, 50]))

    assert counted.tolist() == [[10, 5, 0, 30], [3, 0, 0, 0]]


def test_ceiling_of_100_cuts_the_smallest_items() -> None:
    raw = np.array([[40, 40, 30]])

    counted = allocate(raw, np.array([0, 1, 2]), np.array([50, 50, 50]))

    assert counted.tolist() == [[40, 40, 20]] and counted.sum() == 100


def test_counted_never_exceeds_raw_and_sums_stay_within_caps() -> None:
    rng = np.random.default_rng(5)
    raw = rng.integers(0, 30, size=(500, 12))
    dims = rng.integers(0, 4, size=12)
    caps = np.array([20, 35, 50, 10])

    counted = allocate(raw, dims, caps)

    assert (counted <= raw).all() and (counted >= 0).all()
    assert (counted.sum(axis=1) <= 100).all()
    for d, cap in enumerate(caps):
        assert (counted[:, dims == d].sum(axis=1) <= cap).all()
