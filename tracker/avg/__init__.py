"""AVG duties for contact persons: inzage, anonymising, retention review; Woo and AVG requests as legal holds."""
