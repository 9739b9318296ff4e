"""The sello sandbox's emulator: the three services on loopback (started by ``sello_sandbox.py``).

See ``sandbox/README.md`` ("Layout") for which module holds what.
"""
