"""Every Flask extension object, created once and bound in `create_app`."""

from flask_babel import Babel
from flask_babel.speaklater import LazyString
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints from the first migration on: SQLite leaves them unnamed
# otherwise, and batch migrations cannot drop an unnamed constraint.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

# flask-babel's lazy strings claim to be safe HTML (__html__), so Jinja would
# put `_l("… %(name)s", name=<user input>)` into a page unescaped. Our msgids
# hold no markup: let Jinja escape them like any other text.
del LazyString.__html__
