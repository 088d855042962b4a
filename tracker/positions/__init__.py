"""Seats in gremia: the positions the strategy wants and who holds them."""
