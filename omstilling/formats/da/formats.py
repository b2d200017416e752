# Danish, as the municipality writes it: 24. november 2026, 24. november 2026 kl. 14.30.
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H.i"
TIME_FORMAT = "H.i"
