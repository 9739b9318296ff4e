"""Faults: what POST /_sandbox/fault may queue, the queue each service request takes its fault
from, and the modes themselves — each a way to answer (or not) over the connection."""
