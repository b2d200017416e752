"""Nøgletal (/noegletal/): the KPI page built through disclosure control, its exports (xlsx,
csv) and its views."""
