"""Search: which contactmomenten, contacts and organisations match the terms
a user typed, with the database's own full-text index.

SQLite uses the FTS5 tables `<table>_fts` and PostgreSQL the generated
`search_vector` columns ('dutch' configuration); migration a1d4b0a7d001
makes both and keeps them in step. The user's words are never handed to
the database as query syntax: every word is quoted, so no input is a
syntax error. All words must occur; the last one may be the start of a
word ("zaan" finds "Zaandam").
"""

import re
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, false, func, literal_column, or_, select, table
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..extensions import db
from ..interactions import service as interactions
from ..interactions.models import Interaction
from ..relations.models import Contact, Organisation

MAX_TERMS_LENGTH = 200
MAX_WORDS = 12
# A prefix of one letter would match half the index: only from two on.
MIN_PREFIX = 2
PAGE_SIZE = 10
# Counting every hit of a common word costs as much as reading them all;
# beyond this many the page says "more than".
COUNT_LIMIT = 1000
WORD = re.compile(r"\w+")


def words(terms: str) -> list[str]:
    """The words of a search, lower-cased: letters and digits, nothing else."""
    return [word.lower() for word in WORD.findall(terms or "")][:MAX_WORDS]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _fts5_query(found: list[str]) -> str:
    quoted = [f'"{word}"' for word in found]
    if len(found[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery_text(found: list[str]) -> str:
    # \w+ words hold none of to_tsquery's operators (& | ! ( ) : * ' \).
    parts = list(found)
    if len(parts[-1]) >= MIN_PREFIX:
        parts[-1] += ":*"
    return " & ".join(parts)


# On SQLite, up to this many hits are read by id and sorted; beyond it the
# table is read in date order and each row checked against the hits (a
# common word such as "overleg" matches a quarter of all contactmomenten).
FEW_HITS = 5000


def _fts(model):
    name = f"{model.__tablename__}_fts"
    return table(name, literal_column("rowid")), literal_column(name), literal_column(f"{name}.rowid")


def _hit_ids(model, found: list[str]) -> Select:
    fts, fts_column, rowid = _fts(model)
    return select(rowid).select_from(fts).where(fts_column.op("MATCH")(bindparam(None, _fts5_query(found))))


def _matching(model, terms: str, *, many: bool = False):
    """The condition "model matches the terms"; false for terms without words.

    `many` (SQLite): the terms match many rows and the query reads the
    table in another order; the ids are then looked up, not walked."""
    found = words(terms)
    if not found:
        return false()
    if _dialect() == "postgresql":
        query = func.to_tsquery(literal_column("'dutch'::regconfig"), bindparam(None, _tsquery_text(found)))
        return literal_column(f"{model.__tablename__}.search_vector").op("@@")(query)
    # "id + 0" keeps SQLite from driving the query by the list of ids.
    return (model.id + 0 if many else model.id).in_(_hit_ids(model, found))


def hit_count(model, terms: str, limit: int) -> int:
    """How many rows match, counted up to `limit` (+1), without any other condition."""
    found = words(terms)
    if not found:
        return 0
    if _dialect() == "postgresql":
        query = select(model.id).where(_matching(model, terms))
    else:
        query = _hit_ids(model, found)
    return db.session.scalar(select(func.count()).select_from(query.limit(limit + 1).subquery()))


def interaction_condition(terms: str):
    """The condition for contactmomenten matching the terms, in the form that
    is quick for a list in date order."""
    return _matching(Interaction, terms, many=hit_count(Interaction, terms, FEW_HITS) > FEW_HITS)


def count_interactions(user: User, conditions: list, terms: str | None = None,
                       limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """The contactmomenten the user may see under the conditions (and terms),
    counted up to `limit`; and whether there are more."""
    query = select(Interaction.id).where(interactions.visible_to(user), *conditions)
    found = words(terms) if terms else []
    if found and _dialect() == "sqlite":
        # Walking the index's hits and stopping at the limit beats collecting them all first.
        fts, fts_column, rowid = _fts(Interaction)
        query = query.select_from(fts).join(Interaction, Interaction.id == rowid).where(
            fts_column.op("MATCH")(bindparam(None, _fts5_query(found))))
    elif terms:
        query = query.where(_matching(Interaction, terms))
    count = db.session.scalar(select(func.count()).select_from(query.limit(limit + 1).subquery()))
    return min(count, limit), count > limit


def matching_interaction_ids(terms: str) -> Select:
    """A SELECT of the ids of the contactmomenten whose subject, summary or
    outcome hold every word of the terms (the last one as a prefix).

    No visibility filter: callers add `interactions.service.visible_to(user)`.
    Terms without any word match nothing."""
    return select(Interaction.id).where(_matching(Interaction, terms))


def matching_contact_ids(terms: str) -> Select:
    """Contacts by name, function or e-mail address."""
    return select(Contact.id).where(_matching(Contact, terms))


@dataclass
class Group:
    """One kind of result: a page of it, and how many there are (up to a limit)."""
    items: list
    page: int
    has_next: bool
    total: int
    more_than_total: bool


def _capped_count(query: Select) -> tuple[int, bool]:
    count = db.session.scalar(select(func.count()).select_from(query.limit(COUNT_LIMIT + 1).subquery()))
    return min(count, COUNT_LIMIT), count > COUNT_LIMIT


def _page(query: Select, page: int) -> tuple[list, bool]:
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def search_interactions(user: User, terms: str, page: int = 1) -> Group:
    """Matching contactmomenten the user may see, newest first."""
    total, more = count_interactions(user, [], terms)
    items = interactions.latest_visible(user, interaction_condition(terms), limit=PAGE_SIZE + 1,
                                        offset=(page - 1) * PAGE_SIZE)
    return Group(items[:PAGE_SIZE], page, len(items) > PAGE_SIZE, total, more)


def search_contacts(terms: str, page: int = 1) -> Group:
    condition = _matching(Contact, terms)
    total, more = _capped_count(select(Contact.id).where(condition))
    items, has_next = _page(select(Contact).where(condition).order_by(Contact.name, Contact.id)
                            .options(selectinload(Contact.organisation)), page)
    return Group(items, page, has_next, total, more)


def search_organisations(terms: str, page: int = 1) -> Group:
    condition = _matching(Organisation, terms)
    total, more = _capped_count(select(Organisation.id).where(condition))
    items, has_next = _page(select(Organisation).where(condition).order_by(Organisation.name, Organisation.id)
                            .options(selectinload(Organisation.arena)), page)
    return Group(items, page, has_next, total, more)


def _every_word(terms: str, condition) -> list:
    """One condition per word, each word a prefix (from two letters on):
    for pickers, where "jan zaan" should find Jan Jansen of Zaanstad."""
    return [condition(word) for word in words(terms)]


def picker_contact_conditions(terms: str) -> list:
    """Contacts whose name, function, e-mail address or organisation hold
    every word of the terms (each word may be the start of one); none for
    terms without words (the caller then shows nothing)."""
    return _every_word(terms, lambda word: or_(
        _matching(Contact, word),
        Contact.organisation_id.in_(select(Organisation.id).where(_matching(Organisation, word)))))


def picker_organisation_conditions(terms: str) -> list:
    """Organisations whose name or abbreviation hold every word (each as a prefix)."""
    return _every_word(terms, lambda word: _matching(Organisation, word))
