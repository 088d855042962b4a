"""Counting the SQL statements a page costs: the tests that check a page's
number of queries does not grow with the data."""

from sqlalchemy import event


def count_queries(app, client, url) -> int:
    """How many statements GET `url` sends to the database; the page must answer 200."""
    counted = []
    engine = app.extensions["sqlalchemy"].engine

    def listener(*args, **kwargs):
        counted.append(1)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, url
    return len(counted)
