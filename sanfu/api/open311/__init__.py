"""Open311 GeoReport v2 at /open311/v2/: the public endpoint other systems and apps use."""
