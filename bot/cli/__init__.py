"""The `gridbot` command line: one module per command group."""
