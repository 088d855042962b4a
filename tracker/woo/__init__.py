"""Woo (Wet open overheid): everything about a subject as one export, and the log of those exports."""
