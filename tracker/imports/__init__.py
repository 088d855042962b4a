"""Importing contact persons and organisations from CSV and Excel files."""
