"""Consistent backups of the running application's database."""
