"""联连帮: integrated social assistance — programmes, aid records, applications, person matching
across sources and the findings of missed, duplicate and excessive aid."""
