"""Residents' and workers' photos: re-encoded and stored privately, reached by staff through signed links."""
