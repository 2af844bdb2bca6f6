"""Sub-commands of ``pynn-hw``, one module each with ``register(subparsers)``."""
