"""The grid map: GeoJSON import and validation, point-in-polygon and place names, GCJ-02 ⇄ WGS84, the
versioned map in Redis."""
