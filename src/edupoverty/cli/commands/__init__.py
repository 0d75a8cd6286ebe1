"""Sub-commands of the ``edupoverty`` command line, one module each.

Each module defines ``register(subparsers)``.
"""
