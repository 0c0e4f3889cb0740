"""Open311 GeoReport v2 at /open311/v2/ (spec: open311.github.io, GeoReport_v2)."""
