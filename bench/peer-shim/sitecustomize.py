# Benchmark-only compatibility shim for Debian 12's fence-agents 4.12.1 under Python 3.11:
# fence_compute / fence_evacuate call inspect.getargspec, removed in Python 3.11.
# Loaded through PYTHONPATH by the benchmark; the agents themselves are run unmodified.
import inspect

if not hasattr(inspect, "getargspec"):
    inspect.getargspec = inspect.getfullargspec
