"""Capture from Outlook: a meeting invitation (.ics) or an e-mail (.eml)
turned into a filled-in contactmoment form, by upload or through the
inbound mailbox.

parse.py reads a file or message into a `Capture`; prefill.py puts it into
the logging form; mailbox.py turns the messages in the inbound mailbox into
drafts (drafts.py) that wait until their sender confirms them.
"""
