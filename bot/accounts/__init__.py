"""Dispatch-console accounts (指挥调度): who may log in, and which tickets each may see and steer."""
