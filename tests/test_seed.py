"""The seeded database against facts read off the strategy document."""

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import (
    Arena, Engagement, EngagementLevel, FundingStream, IntendedRole, Position, PositionStatus, Priority, Scale,
    Theme,
)
from tracker.strategy.seed import load_strategy, read_strategy

# Per opgave, in the document's order: (name, priorities, engagements per network heading).
DOCUMENT = [
    ("Kansengelijkheid", 4, {"Rijk": 2, "VNG en G40": 3, "Metropoolregio Amsterdam": 1,
                             "Gemeente Amsterdam": 4, "Zaanstreek-Waterland": 1}),
    ("Verstedelijking", 4, {"Rijk": 3, "VNG en G40": 1, "Metropoolregio Amsterdam": 4,
                            "Vervoerregio Amsterdam": 2, "Provincie Noord-Holland": 3,
                            "Gemeente Amsterdam": 6, "Zaanstreek-Waterland": 2}),
    ("Duurzaamheid", 3, {"Rijk": 3, "VNG en G40": 3, "Metropoolregio Amsterdam": 3,
                         "Noordzeekanaalgebied": 1, "Gemeente Amsterdam": 1, "Zaanstreek-Waterland": 1}),
    ("Gezondheid", 4, {"Rijk": 1, "VNG en G40": 2, "Metropoolregio Amsterdam": 1, "Zaanstreek-Waterland": 1}),
    ("Economie", 4, {"VNG en G40": 1, "Metropoolregio Amsterdam": 4, "Provincie Noord-Holland": 2,
                     "Noordzeekanaalgebied": 1, "Gemeente Amsterdam": 1, "Zaanstreek-Waterland": 1}),
    ("Veiligheid", 4, {"Rijk": 1, "VNG en G40": 1, "Veiligheidsnetwerken": 4, "Zaanstreek-Waterland": 1}),
]


def engagement_about(db, fragment: str) -> Engagement:
    return db.session.scalars(select(Engagement).where(Engagement.text.contains(fragment))).one()


def organisation(db, name: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def test_six_opgaven_in_document_order_with_their_priorities_and_engagements(db):
    themes = db.session.scalars(select(Theme).order_by(Theme.number)).all()
    assert [theme.name for theme in themes] == [name for name, _, _ in DOCUMENT]
    for theme, (name, priorities, engagements) in zip(themes, DOCUMENT):
        assert len(theme.priorities) == priorities, name
        counted = {}
        for engagement in theme.engagements:
            counted[engagement.arena.name] = counted.get(engagement.arena.name, 0) + 1
        assert counted == engagements, name
    assert db.session.scalar(select(func.count()).select_from(Priority)) == 23
    assert db.session.scalar(select(func.count()).select_from(Engagement)) == 66


def test_priorities_keep_their_full_text_order_and_short_title(db):
    first = db.session.scalars(select(Theme).where(Theme.number == 1)).one().priorities
    assert first[0].text.startswith("Integraal en structureel budget voor kinderen")
    assert "pact Poelenburg & Peldersveld naar Zaandam Oost" in first[0].text
    assert first[1].text.startswith("Programma Een thuis voor iedereen")
    assert all(len(priority.title) <= 80 for priority in first)
    housing = db.session.scalars(select(Theme).where(Theme.number == 2)).one().priorities[3]
    assert housing.text.startswith("Tijdelijke huisvesting, lobby bij het Rijk")


def test_only_the_participatiewet_priority_is_monitor_only(db):
    monitor_only = db.session.scalars(select(Priority).where(Priority.monitor_only.is_(True))).all()
    assert [priority.text.split()[0:4] for priority in monitor_only] == [["Doordat", "het", "kabinet", "inzet"]]
    assert "Wel goed monitoren" in monitor_only[0].text


def test_veiligheid_is_less_central_for_the_negotiators(db):
    themes = {theme.name: theme for theme in db.session.scalars(select(Theme))}
    assert [name for name, theme in themes.items() if not theme.central] == ["Veiligheid"]
    assert "onderhandelaars" in themes["Veiligheid"].note
    assert "burgemeester" in themes["Veiligheid"].note


def test_opgaven_carry_their_introduction_and_trends(db):
    themes = {theme.name: theme for theme in db.session.scalars(select(Theme))}
    assert "Kansenongelijkheid is dé sociale kwestie van deze tijd" in themes["Kansengelijkheid"].introduction
    assert len(themes["Kansengelijkheid"].trends) == 3
    assert [trend.rstrip(";.") for trend in themes["Verstedelijking"].trends] == [
        "Groei met kwaliteit", "Impuls voor de bestaande stad"]
    assert len(themes["Duurzaamheid"].trends) == 5


def test_networks_with_their_scale_including_europa(db):
    scales = {arena.name: arena.scale for arena in db.session.scalars(select(Arena))}
    assert scales["Rijk"] == Scale.NATIONAL
    assert scales["VNG en G40"] == Scale.NATIONAL
    assert scales["Metropoolregio Amsterdam"] == Scale.REGIONAL
    assert scales["Provincie Noord-Holland"] == Scale.REGIONAL
    assert scales["Europa"] == Scale.EUROPEAN
    assert len(scales) == 10
    europa = db.session.scalars(select(Arena).where(Arena.name == "Europa")).one()
    assert "Eurocities" in {organisation.name for organisation in europa.organisations}


def test_named_organisations_exist_with_abbreviations(db):
    abbreviations = dict(db.session.execute(select(Organisation.abbreviation, Organisation.name)
                                            .where(Organisation.abbreviation.is_not(None))).all())
    for abbreviation in ("BZK", "OCW", "SZW", "EZK", "LNV", "EKEM", "LOVP", "RBOP"):
        assert abbreviation in abbreviations, abbreviation
    assert abbreviations["BZK"] == "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
    names = set(db.session.scalars(select(Organisation.name)))
    for name in ("VNG-commissie Zorg, Jeugd en Onderwijs", "G40-themagroep Duurzaamheid", "MRA Platform Ruimte",
                 "MRA Platform Bereikbaarheid", "Stuurgroep Ondermijning", "Eurocities", "Zaanstad Maakstad"):
        assert name in names, name
    assert organisation(db, "VNG-commissie Zorg, Jeugd en Onderwijs").parent.abbreviation == "VNG"


def test_engagements_link_the_organisations_they_name(db):
    ministries = engagement_about(db, "bij BZK, J&V, OCW en SZW")
    assert {item.abbreviation for item in ministries.organisations} >= {"BZK", "OCW", "SZW"}
    assert ministries.level == EngagementLevel.POLITICAL_AND_SENIOR_OFFICIAL
    assert ministries.theme.name == "Kansengelijkheid"


def test_stated_roles_and_levels(db):
    assert engagement_about(db, "voorzitter te worden van de G40-themagroep Duurzaamheid").role == \
        IntendedRole.CHAIR
    assert engagement_about(db, "Voortrekkersrol vervullen bij MRA Sociaal").role == IntendedRole.PIONEER
    energy_poverty = engagement_about(db, "Bestuurlijk trekker blijven van het thema energiearmoede")
    assert (energy_poverty.role, energy_poverty.level) == (IntendedRole.LEAD, EngagementLevel.POLITICAL)
    assert engagement_about(db, "We nemen geen voortrekkersrol").role == IntendedRole.NO_LEADING_ROLE
    meedenken = engagement_about(db, "ambtelijke meedenkgroepen van de VNG over klimaat")
    assert (meedenken.role, meedenken.level) == (IntendedRole.ACTIVE_PARTICIPANT, EngagementLevel.OFFICIAL)
    assert engagement_about(db, "Lid worden van de VNG-commissie Economie").role == IntendedRole.MEMBER
    assert engagement_about(db, "het vicevoorzitterschap oppakken").role == IntendedRole.VICE_CHAIR


def test_wanted_seats_are_positions_with_status_beoogd(db):
    positions = db.session.scalars(select(Position)).all()
    assert positions and all(position.status == PositionStatus.WANTED for position in positions)
    by_organisation = {(position.organisation.name, position.role) for position in positions}
    assert ("G40-themagroep Duurzaamheid", IntendedRole.CHAIR) in by_organisation
    assert ("MRA Platform Ruimte", IntendedRole.VICE_CHAIR) in by_organisation
    jeugd = [position for position in positions if position.organisation.name.startswith("VNG-commissie Zorg")]
    assert jeugd[0].portfolio == "Jeugd"
    assert {theme.name for theme in jeugd[0].themes} >= {"Kansengelijkheid"}


def test_named_people_and_funds(db):
    halsema = db.session.scalars(select(Contact).where(Contact.name == "Femke Halsema")).one()
    assert halsema.organisation.name == "Gemeente Amsterdam"
    hamming = db.session.scalars(select(User).where(User.name == "Jan Hamming")).one()
    assert hamming.is_official and not hamming.can_log_in
    funds = set(db.session.scalars(select(FundingStream.name)))
    assert any("Volkshuisvestingsfonds" in name for name in funds)
    assert any("MIEK" in name or "Meerjarenprogramma Infrastructuur Energie en Klimaat" in name for name in funds)


def count_everything(db) -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Theme, Priority, Arena, Organisation, Engagement, Position, Contact, FundingStream, User)}


def test_seeding_twice_changes_nothing(db, app):
    before = count_everything(db)
    result = load_strategy(read_strategy(app.config["SEED_FILE"]))
    db.session.commit()
    assert result.total == 0
    assert count_everything(db) == before


def test_seeding_never_overwrites_what_users_changed(db, app):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    bzk.name = "Ministerie van BZK (hernoemd door gebruiker)"
    priority = db.session.scalars(select(Priority).order_by(Priority.id)).first()
    priority.title = "Eigen titel"
    db.session.commit()
    load_strategy(read_strategy(app.config["SEED_FILE"]))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Organisation, bzk.id).name == "Ministerie van BZK (hernoemd door gebruiker)"
    assert db.session.get(Priority, priority.id).title == "Eigen titel"


def test_seed_command_reports_and_rejects_a_broken_file(runner, tmp_path):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert "nothing new" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("themes:\n  - key: x\n    number: 1\n", encoding="utf-8")
    result = runner.invoke(args=["seed", "--file", str(broken)])
    assert result.exit_code != 0
    assert "invalid strategy file" in result.output
    missing = runner.invoke(args=["seed", "--file", str(tmp_path / "absent.yaml")])
    assert missing.exit_code != 0 and "cannot read" in missing.output
