"""The mark `sefvoice demo` leaves on a database it made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .survey import utcnow

# The demo's staff sign-ins, one for each role (sefvoice.demo.demo_accounts). Their
# passwords are new each time the demo starts, and printed at the end of its output.
DEMO_ACCOUNTS = (
    ("forum-rep@demo.invalid", "pcv_rep"),
    ("officer@demo.invalid", "officer"),
    ("admin@demo.invalid", "admin"),
)


class DemoMark(db.Model):
    """A row here says `sefvoice demo` made this database: it holds made-up responses and
    demo staff accounts, whose passwords the command printed. A production database has none."""

    __tablename__ = "demo_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


def is_demo_database() -> bool:
    return bool(db.session.scalar(select(exists().where(DemoMark.id.is_not(None)))))
