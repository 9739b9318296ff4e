"""What every part of the emulator shares: the runtime settings, small value helpers, the lock
and the sandbox's own bookkeeping (connections, recorded requests)."""
