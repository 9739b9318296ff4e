"""The control API under /_sandbox/: JSON in and out, never recorded, never hit by faults."""
