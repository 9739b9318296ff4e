"""The server itself: the request handler (control or service, faults applied) and ``main()``."""
