"""Funding streams and Zaanstad's bids for them."""
