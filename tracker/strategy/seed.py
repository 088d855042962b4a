"""Loads a strategy file (YAML) into the database.

The file is the municipality's own: another one replaces it with theirs.
Loading is idempotent and additive: each record carries the key it has in
the file, records that already exist are left exactly as users made them,
and only what is missing is created.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..relations.models import Contact, Organisation, OrganisationKind
from .models import (
    Arena, EngagementLevel, Engagement, FundingStream, IntendedRole, Position, PositionStatus, Priority,
    Scale, Theme,
)


class SeedError(Exception):
    """The strategy file is not valid; the message says where."""


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def read_strategy(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"cannot read {path}: {error}") from error
    if not isinstance(data, dict) or "themes" not in data:
        raise SeedError(f"{path} is not a strategy file: it has no 'themes'")
    return data


class _Loader:
    def __init__(self, data: dict):
        self.data = data
        self.result = SeedResult()
        self.arenas: dict[str, Arena] = {}
        self.organisations: dict[str, Organisation] = {}
        self.themes: dict[str, Theme] = {}
        self.priorities: dict[str, Priority] = {}
        self.officials: dict[str, User] = {}
        self.new: set[int] = set()

    def existing(self, model, key: str):
        return db.session.scalar(select(model).where(model.seed_key == key))

    def get_or_create(self, model, key: str, kind: str, build):
        instance = self.existing(model, key)
        if instance is None:
            instance = build()
            instance.seed_key = key
            db.session.add(instance)
            self.new.add(id(instance))
            self.result.count(kind)
        return instance

    def ref(self, table: dict, key: str, what: str):
        try:
            return table[key]
        except KeyError:
            raise SeedError(f"unknown {what} '{key}'") from None

    def load(self) -> SeedResult:
        for order, item in enumerate(self.data.get("arenas", []), start=1):
            self.arenas[item["key"]] = self.get_or_create(Arena, item["key"], "arenas", lambda: Arena(
                name=item["name"], scale=Scale(item["scale"]), description=item.get("description"),
                sort_order=order))
        self.load_organisations(self.data.get("organisations", []))
        for item in self.data.get("officials", []):
            self.officials[item["key"]] = self.get_or_create(User, item["key"], "officials", lambda: User(
                name=item["name"], title=item.get("title"), is_official=True))
        for item in self.data["themes"]:
            self.load_theme(item)
        db.session.flush()
        for item in self.data.get("positions", []):
            self.get_or_create(Position, item["key"], "positions", lambda: Position(
                organisation=self.ref(self.organisations, item["organisation"], "organisation"),
                title=item["title"], role=IntendedRole(item["role"]) if item.get("role") else None,
                portfolio=item.get("portfolio"), text=item.get("text"), status=PositionStatus.WANTED,
                themes=[self.ref(self.themes, key, "theme") for key in item.get("themes", [])]))
        for item in self.data.get("contacts", []):
            self.get_or_create(Contact, item["key"], "contacts", lambda: Contact(
                name=item["name"], function=item.get("function"), email=item.get("email"),
                organisation=self.ref(self.organisations, item["organisation"], "organisation")
                if item.get("organisation") else None))
        for item in self.data.get("funding_streams", []):
            self.get_or_create(FundingStream, item["key"], "funding_streams", lambda: FundingStream(
                name=item["name"], description=item.get("description"),
                provider=self.ref(self.organisations, item["provider"], "organisation")
                if item.get("provider") else None,
                priorities=[self.ref(self.priorities, key, "priority") for key in item.get("priorities", [])]))
        db.session.flush()
        return self.result

    def load_organisations(self, items: list[dict]) -> None:
        for item in items:
            self.organisations[item["key"]] = self.get_or_create(
                Organisation, item["key"], "organisations", lambda: Organisation(
                    name=item["name"], abbreviation=item.get("abbreviation"),
                    kind=OrganisationKind(item.get("kind") or "overig"), description=item.get("description"),
                    arena=self.ref(self.arenas, item["arena"], "arena") if item.get("arena") else None))
        for item in items:
            organisation = self.organisations[item["key"]]
            if item.get("parent") and id(organisation) in self.new:
                organisation.parent = self.ref(self.organisations, item["parent"], "organisation")

    def load_theme(self, item: dict) -> None:
        theme = self.get_or_create(Theme, item["key"], "themes", lambda: Theme(
            number=item["number"], name=item["name"], title=item["title"],
            introduction=item.get("introduction") or "", trends=list(item.get("trends") or []),
            note=item.get("note"), central=item.get("central", True)))
        self.themes[item["key"]] = theme
        for number, entry in enumerate(item.get("priorities", []), start=1):
            self.priorities[entry["key"]] = self.get_or_create(
                Priority, entry["key"], "priorities", lambda: Priority(
                    theme=theme, number=number, title=entry["title"], text=entry["text"],
                    monitor_only=bool(entry.get("monitor_only"))))
        for number, entry in enumerate(item.get("engagements", []), start=1):
            self.get_or_create(Engagement, f"{item['key']}-{number}", "engagements", lambda: Engagement(
                theme=theme, number=number, heading=entry["heading"], text=entry["text"],
                arena=self.ref(self.arenas, entry["arena"], "arena"),
                role=IntendedRole(entry["role"]) if entry.get("role") else None,
                level=EngagementLevel(entry["level"]) if entry.get("level") else None,
                organisations=[self.ref(self.organisations, key, "organisation")
                               for key in entry.get("organisations", [])],
                priorities=[self.ref(self.priorities, key, "priority")
                            for key in entry.get("priorities", [])]))


def load_strategy(data: dict) -> SeedResult:
    """Creates what the strategy describes and the database lacks; flushes."""
    try:
        return _Loader(data).load()
    except (KeyError, ValueError, TypeError) as error:
        raise SeedError(f"invalid strategy file: {error!r}") from error
