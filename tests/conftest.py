"""Test-wide settings: property tests have no per-example deadline (a shared or slow CI
machine must not turn a slow example into a failure; speed is measured in benchmarks/)."""

from hypothesis import settings

settings.register_profile("edupoverty", deadline=None, print_blob=True)
settings.load_profile("edupoverty")
