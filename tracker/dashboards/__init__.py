"""Directors' dashboards: progress per opgave and the whole strategy at a glance."""
