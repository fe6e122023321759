"""The grid map: GeoJSON import and validation, point-in-polygon and place names, the versioned map in Redis."""
