"""Open311 GeoReport v2 at ``/open311/v2/``: other city systems list services, file and read requests."""
