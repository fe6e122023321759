"""The classifier in service: loading or training it, switching all processes, retraining behind a gate."""
