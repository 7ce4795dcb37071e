"""What the PyTorch comparison scripts share: timing one call the way the harness does."""

import time


def best_time(fn, budget=0.3):
    """The fastest of repeated calls filling about `budget` seconds (at least 3 calls)."""
    fn()
    best, spent, calls = float("inf"), 0.0, 0
    while spent < budget or calls < 3:
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best, spent, calls = min(best, took), spent + took, calls + 1
    return best
