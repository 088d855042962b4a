"""Full-text search over contactmomenten, contacts and organisations."""
