"""Realistic synthetic data on top of the strategy, for demos and the benchmark.

Rows go in with bulk inserts (lists of dicts per table), not one ORM object
at a time: 250,000 contactmomenten take well under a minute.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select, text

from ..auth.models import Role, User
from ..auth.passwords import hash_password
from ..dashboards import aggregates as daily_counts
from ..extensions import db
from ..interactions.models import (
    FollowUp, Interaction, InteractionKind, Level, interaction_contacts, interaction_organisations,
    interaction_participants, interaction_priorities,
)
from ..relations.models import Contact, Organisation, OrganisationKind
from ..stakeholders.models import Attitude, Influence, Stakeholder, StakeholderAction, StakeholderChange
from ..strategy.models import Arena, Engagement, Priority, engagement_organisations

DEMO_PASSWORD = "demo-wachtwoord-2026"
CHUNK = 5000

FIRST_NAMES = ["Anna", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Jeroen", "Karin",
               "Lars", "Maaike", "Niels", "Olga", "Pieter", "Quinten", "Rosa", "Sanne", "Thijs", "Ursula",
               "Vincent", "Willemijn", "Yusuf", "Zoë", "Fatima", "Mohamed", "Priya", "Joost", "Marloes",
               "Kees", "Ingrid", "Sem", "Noor", "Luuk", "Esmee", "Ruben", "Iris", "Sven", "Lotte"]
PREFIXES = ["", "", "", "van", "de", "van der", "van den", "ter", "el"]
LAST_NAMES = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
              "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Kok", "Koster", "Prins", "Huisman", "Postma",
              "Kuipers", "Veenstra", "Jacobs", "Schouten", "Willems", "Hoekstra", "Boer", "Groen", "Aydın",
              "Yılmaz", "Ouali", "Tromp", "Zwart", "Sedney", "Pinas", "Kramer", "Verbeek", "Bosman"]
FUNCTIONS = ["beleidsmedewerker", "senior beleidsadviseur", "directeur", "plaatsvervangend directeur-generaal",
             "Kamerlid", "wethouder", "gedeputeerde", "programmamanager", "secretaris", "accountmanager gemeenten",
             "griffier", "burgemeester", "fractiemedewerker", "strategisch adviseur", "clustermanager"]
ORGANISATION_WORDS = [("Gemeente", OrganisationKind.MUNICIPALITY), ("Kamercommissie", OrganisationKind.PARLIAMENT),
                      ("Woningcorporatie", OrganisationKind.OTHER), ("Stichting", OrganisationKind.OTHER),
                      ("Werkgroep", OrganisationKind.THEME_GROUP), ("Overleg", OrganisationKind.CONSULTATION),
                      ("Platform", OrganisationKind.PLATFORM), ("Netwerk", OrganisationKind.NETWORK)]
PLACES = ["Purmerend", "Wormerland", "Oostzaan", "Edam-Volendam", "Landsmeer", "Haarlem", "Amstelveen",
          "Almere", "Hoorn", "Alkmaar", "Velsen", "Beverwijk", "Diemen", "Lelystad", "Utrecht", "Den Haag",
          "Rotterdam", "Eindhoven", "Groningen", "Zwolle", "Arnhem", "Tilburg", "Breda", "Nijmegen"]
TOPICS = ["Zaandam Oost", "HOV ZaanIJ", "Achtersluispolder", "energiearmoede", "warmtenet", "stikstof",
          "netcongestie", "jeugdhulp", "Wietpilot", "ondermijning", "houtbouw", "woningbouwimpuls",
          "bestaande voorraad", "funderingsherstel", "arbeidsmarkt", "preventie-infrastructuur",
          "Volkshuisvestingsfonds", "MIRT-verkenning", "Regionale Energiestrategie", "toerisme"]
SUBJECTS = ["Overleg over {}", "Werkbezoek {}", "Telefoongesprek over {}", "Position paper {}",
            "Bestuurlijk overleg {}", "Rondetafel {}", "Voorbereiding debat {}", "Lunch over {}"]


STAKEHOLDERS_PER_PRIORITY = (5, 3)  # organisations, contact persons


def add_stakeholders(rng: random.Random, now: datetime, organisation_ids: list[int], contact_ids: list[int],
                     user_ids: list[int]) -> None:
    """A small stakeholder map per priority, each entry with its history (a
    third of them moved once, a month after they were added): two bulk inserts.
    Priorities that have a map already keep it."""
    mapped = set(db.session.scalars(select(Stakeholder.priority_id).distinct()))
    entries, changes = [], []
    for priority_id in db.session.scalars(select(Priority.id).order_by(Priority.id)):
        if priority_id in mapped:
            continue
        chosen = [(organisation_id, None) for organisation_id in
                  rng.sample(organisation_ids, min(STAKEHOLDERS_PER_PRIORITY[0], len(organisation_ids)))]
        chosen += [(None, contact_id) for contact_id in
                   rng.sample(contact_ids, min(STAKEHOLDERS_PER_PRIORITY[1], len(contact_ids)))]
        for organisation_id, contact_id in chosen:
            added = now - timedelta(days=rng.randint(40, 400))
            influence, attitude = rng.choice(list(Influence)), rng.choice(list(Attitude))
            author = rng.choice(user_ids)
            relation = {"priority_id": priority_id, "organisation_id": organisation_id, "contact_id": contact_id}
            # Every row with the same columns: one multi-row insert.
            changes.append({**relation, "action": StakeholderAction.ADDED, "changed_at": added,
                            "changed_by_id": author, "old_influence": None, "new_influence": influence,
                            "old_attitude": None, "new_attitude": attitude})
            if rng.random() < 0.33:
                moved = rng.choice([item for item in Attitude if item != attitude])
                changes.append({**relation, "action": StakeholderAction.CHANGED,
                                "changed_at": added + timedelta(days=30), "changed_by_id": author,
                                "old_influence": influence, "new_influence": influence, "old_attitude": attitude,
                                "new_attitude": moved})
                attitude, added = moved, added + timedelta(days=30)
            entries.append({**relation, "influence": influence, "attitude": attitude, "updated_at": added})
    bulk(Stakeholder.__table__, entries)
    bulk(StakeholderChange.__table__, changes)


@dataclass
class DemoResult:
    users: int
    organisations: int
    contacts: int
    interactions: int
    follow_ups: int


def person_name(rng: random.Random) -> str:
    prefix = rng.choice(PREFIXES)
    return " ".join(part for part in (rng.choice(FIRST_NAMES), prefix, rng.choice(LAST_NAMES)) if part)


def bulk(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


@contextmanager
def full_text_index_built_once(*tables: str):
    """On SQLite, the full-text tables are filled by a trigger per inserted
    row; for a bulk load it is quicker to leave the triggers out and index
    the whole table once afterwards (FTS5's 'rebuild'). Same transaction:
    if the load fails, the triggers come back with the rollback."""
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    triggers = {table: db.session.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                                         {"name": f"{table}_fts_insert"}) for table in tables}
    for table, sql in triggers.items():
        if sql:
            db.session.execute(text(f"DROP TRIGGER {table}_fts_insert"))
    yield
    for table, sql in triggers.items():
        if sql:
            db.session.execute(text(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"))
            db.session.execute(text(sql))


def next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def generate(*, interactions: int, contacts: int, organisations: int, users: int, seed: int,
             now: datetime | None = None) -> DemoResult:
    """Adds demo data until the database holds at least the given numbers of
    users and organisations, and adds the given numbers of contacts and
    contactmomenten. Flushes; the caller commits."""
    with full_text_index_built_once("organisations", "contacts", "interactions"):
        return _generate(interactions=interactions, contacts=contacts, organisations=organisations, users=users,
                         seed=seed, now=now)


def _generate(*, interactions: int, contacts: int, organisations: int, users: int, seed: int,
              now: datetime | None) -> DemoResult:
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    start = now - timedelta(days=5 * 365)
    # Argon2id with the app's settings, as real accounts have: a login needs no rehash.
    password_hash = hash_password(DEMO_PASSWORD)

    user_rows, first_user = [], next_id(User)
    existing_users = db.session.scalar(select(func.count()).select_from(User)) or 0
    roles = [Role.EMPLOYEE] * 14 + [Role.MANAGER] * 4 + [Role.DIRECTOR] + [Role.ADMINISTRATOR]
    for number in range(max(users - existing_users, 0)):
        user_rows.append({"id": first_user + number, "name": person_name(rng), "role": rng.choice(roles).value,
                          "email": f"demo{first_user + number}@zaanstad.example", "password_hash": password_hash,
                          "is_official": False, "active": True, "created_at": start})
    bulk(User.__table__, user_rows)
    user_ids = list(db.session.scalars(select(User.id).where(User.password_hash.is_not(None))))

    arenas = list(db.session.scalars(select(Arena.id)))
    engagements = list(db.session.scalars(select(Engagement.id)))
    organisation_rows, first_organisation = [], next_id(Organisation)
    existing = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    links = []
    for number in range(max(organisations - existing, 0)):
        word, kind = rng.choice(ORGANISATION_WORDS)
        organisation_id = first_organisation + number
        organisation_rows.append({
            "id": organisation_id, "name": f"{word} {rng.choice(PLACES)} {rng.choice(TOPICS)} {organisation_id}",
            "kind": kind.value, "arena_id": rng.choice(arenas), "cadence_disabled": False, "created_at": start})
        if engagements and rng.random() < 0.3:
            links.append({"engagement_id": rng.choice(engagements), "organisation_id": organisation_id})
    bulk(Organisation.__table__, organisation_rows)
    bulk(engagement_organisations, links)
    organisation_ids = list(db.session.scalars(select(Organisation.id)))

    contact_rows, first_contact = [], next_id(Contact)
    for number in range(contacts):
        contact_id = first_contact + number
        contact_rows.append({
            "id": contact_id, "name": person_name(rng), "function": rng.choice(FUNCTIONS),
            "organisation_id": rng.choice(organisation_ids), "email": f"contact{contact_id}@example.org",
            "cadence_disabled": False, "created_at": start})
    bulk(Contact.__table__, contact_rows)
    contact_ids = list(db.session.scalars(select(Contact.id)))
    contact_organisation = dict(db.session.execute(select(Contact.id, Contact.organisation_id)).all())
    priority_ids = list(db.session.scalars(select(Priority.id)))

    kinds, levels = list(InteractionKind), list(Level)
    first_interaction, first_follow_up = next_id(Interaction), next_id(FollowUp)
    span = (now - start).total_seconds()
    follow_ups = 0
    for chunk_start in range(0, interactions, CHUNK):
        rows, people, orgs, prios, participants, actions = [], [], [], [], [], []
        for number in range(chunk_start, min(chunk_start + CHUNK, interactions)):
            interaction_id = first_interaction + number
            moment = start + timedelta(seconds=rng.random() * span)
            moment = datetime.combine(moment.date(), time(rng.randint(7, 19), rng.choice((0, 15, 30, 45))),
                                      tzinfo=timezone.utc)
            author = rng.choice(user_ids)
            rows.append({
                "id": interaction_id, "occurred_at": moment, "kind": rng.choice(kinds).value,
                "level": rng.choice(levels).value,
                "subject": rng.choice(SUBJECTS).format(rng.choice(TOPICS)),
                "summary": f"Gesproken over {rng.choice(TOPICS)} en {rng.choice(TOPICS)}.",
                "outcome": rng.choice(["", "Vervolgafspraak gemaakt.", "Notitie volgt.", "Steun toegezegd."]),
                "confidential": rng.random() < 0.1, "author_id": author, "created_at": moment,
                "updated_at": moment})
            chosen_contacts = rng.sample(contact_ids, rng.randint(1, 3)) if contact_ids else []
            people += [{"interaction_id": interaction_id, "contact_id": contact_id, "occurred_at": moment}
                       for contact_id in chosen_contacts]
            linked = {contact_organisation[contact_id] for contact_id in chosen_contacts
                      if contact_organisation.get(contact_id)}
            if rng.random() < 0.3:
                linked.add(rng.choice(organisation_ids))
            orgs += [{"interaction_id": interaction_id, "organisation_id": org, "occurred_at": moment}
                     for org in linked]
            prios += [{"interaction_id": interaction_id, "priority_id": priority}
                      for priority in rng.sample(priority_ids, rng.randint(1, 3))]
            participants += [{"interaction_id": interaction_id, "user_id": user}
                             for user in set(rng.sample(user_ids, rng.randint(0, 2))) - {author}]
            if rng.random() < 0.2:
                due = moment.date() + timedelta(days=rng.randint(7, 30))
                actions.append({
                    "id": first_follow_up + follow_ups, "interaction_id": interaction_id,
                    "description": f"Terugkoppeling over {rng.choice(TOPICS)}", "owner_id": rng.choice(user_ids),
                    "due_date": due, "created_at": moment,
                    "completed_at": moment + timedelta(days=5) if rng.random() < 0.85 else None})
                follow_ups += 1
        bulk(Interaction.__table__, rows)
        bulk(interaction_contacts, people)
        bulk(interaction_organisations, orgs)
        bulk(interaction_priorities, prios)
        bulk(interaction_participants, participants)
        bulk(FollowUp.__table__, actions)
    add_stakeholders(rng, now, organisation_ids, contact_ids, user_ids)
    if db.session.get_bind().dialect.name == "postgresql":
        # The rows above came with their ids, which PostgreSQL's sequences do
        # not see: move them past the highest, or the app's next insert fails.
        for model in (User, Organisation, Contact, Interaction, FollowUp):
            table = model.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    db.session.flush()
    # The rows went in past the session: the dashboards' daily counts are recounted.
    daily_counts.rebuild()
    return DemoResult(users=len(user_rows), organisations=len(organisation_rows), contacts=contacts,
                      interactions=interactions, follow_ups=follow_ups)
