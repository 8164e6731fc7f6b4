# Compatibility shim (the benchmark, and the peer mixes of the Pacemaker lab: test/lab/pacemaker/peer-lab.ts) for Debian 12's fence-agents 4.12.1 under Python 3.11:
# fence_compute / fence_evacuate call inspect.getargspec, removed in Python 3.11.
# Loaded through PYTHONPATH; the agents themselves are run unmodified.
import inspect

if not hasattr(inspect, "getargspec"):
    inspect.getargspec = inspect.getfullargspec
