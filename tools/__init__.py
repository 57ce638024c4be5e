"""Developer tooling: run by the Makefile, imported by no application module."""
