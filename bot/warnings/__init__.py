"""Early warning (预警): surges of one category in one grid or within 300 m, found over recent tickets."""
