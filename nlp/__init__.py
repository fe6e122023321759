"""Text → request category: normalisation, segmentation, features, classifier, urgency, artifacts.

This package is a library: it knows nothing of bot/ or handlers/.
"""
