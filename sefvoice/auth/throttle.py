"""Sign-in tries, counted atomically in the database, for one e-mail from one address and for
one address whatever the e-mail.

A try is counted before the password is checked (one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING, on SQLite and PostgreSQL alike), so a burst of parallel tries gets no more checks
than the limit allows. A lock holds one e-mail at one address, so a stranger elsewhere can
lock an account out of the stranger's own address only, never out of the staff member's; an
address that tries too many e-mails is locked as a whole. Each lock lasts twice as long as
the one before it (up to a day), and a right password or an admin clears the e-mail's locks
(an admin's unlock clears the locks on the addresses the account was tried from as well).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import SignInThrottle, utcnow

MAX_TRIES = 5  # for one e-mail from one address, before it is locked
MAX_ADDRESS_TRIES = 20  # from one address, whatever the e-mails
TRY_WINDOW = timedelta(minutes=15)  # tries older than this are forgotten
FIRST_LOCK = timedelta(minutes=15)  # each lock after it lasts twice as long
LONGEST_LOCK = timedelta(days=1)

THROTTLE = SignInThrottle.__table__


class Counter(NamedTuple):
    key: str
    what: str  # in words, for the audit log
    limit: int
    tries: int  # this try's number in the window
    lockouts: int  # locks so far


class Verdict(NamedTuple):
    """What the counters say about one try, taken before the password is checked."""

    may_check: bool  # False: locked, or over the limit within the window
    counters: tuple[Counter, Counter]  # the e-mail-and-address counter, then the address's


def _key(*parts: str) -> str:
    """A keyed hash of what is counted: the table holds no address and no typed e-mail."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, "\0".join(("sign-in", *parts)).encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=2)
def _count_try(dialect: str):
    """INSERT ... ON CONFLICT (key) DO UPDATE: one more try, or the first of a new window."""
    module = {"sqlite": sqlite, "postgresql": postgresql}[dialect]
    statement = module.insert(THROTTLE).values(
        key=bindparam("key"),
        user_id=bindparam("user_id"),
        place_key=bindparam("place_key"),
        tries=1,
        window_started_at=bindparam("now"),
        lockouts=0,
    )
    stale = THROTTLE.c.window_started_at < bindparam("window_start")
    return statement.on_conflict_do_update(
        index_elements=[THROTTLE.c.key],
        set_={
            "tries": case((stale, 1), else_=THROTTLE.c.tries + 1),
            "window_started_at": case(
                (stale, bindparam("now")), else_=THROTTLE.c.window_started_at
            ),
        },
    ).returning(THROTTLE.c.tries, THROTTLE.c.locked_until, THROTTLE.c.lockouts)


def count_try(email: str, address: str, user_id: int | None, now: datetime) -> Verdict:
    """Count a try for the e-mail from the address, and for the address; commits at once, so
    that parallel tries see each other's counts (and SQLite's write lock is not held while the
    password is checked)."""
    statement = _count_try(db.engine.dialect.name)
    counters, may_check = [], True
    place_key = _key("address", address)
    for key, what, owner, address_of, limit in (
        (
            _key("account", email, address),
            f"{email} from one address",
            user_id,
            place_key,
            MAX_TRIES,
        ),
        (place_key, "one address, for every e-mail", None, None, MAX_ADDRESS_TRIES),
    ):
        values = {"key": key, "user_id": owner, "place_key": address_of}
        tries, locked_until, lockouts = db.session.execute(
            statement, {**values, "now": now, "window_start": now - TRY_WINDOW}
        ).one()
        counters.append(Counter(key, what, limit, tries, lockouts))
        if (locked_until and locked_until > now) or tries > limit:
            may_check = False
    db.session.commit()
    return Verdict(may_check, tuple(counters))


def lock_if_over(verdict: Verdict, now: datetime) -> tuple[str, ...]:
    """After a wrong password on the try that reached a limit: lock that counter, for twice
    as long as its last lock. Returns what was locked, in words. Commits."""
    locked = []
    for counter in verdict.counters:
        if counter.tries < counter.limit:
            continue
        # The lockouts condition makes one lock per round, whatever runs alongside.
        changed = db.session.execute(
            update(THROTTLE)
            .where(THROTTLE.c.key == counter.key, THROTTLE.c.lockouts == counter.lockouts)
            .values(
                locked_until=now + min(FIRST_LOCK * 2**counter.lockouts, LONGEST_LOCK),
                lockouts=counter.lockouts + 1,
                tries=0,
                window_started_at=now,
            )
        )
        if changed.rowcount == 1:
            length = min(FIRST_LOCK * 2**counter.lockouts, LONGEST_LOCK)
            locked.append(f"{counter.what} for {length.total_seconds() / 60:,.0f} minutes")
    db.session.commit()
    return tuple(locked)


def forget_success(verdict: Verdict) -> None:
    """A right password: that e-mail's counter from that address goes, and the try is taken
    off the address's count (signing in is not an attack). Commits."""
    account, address = verdict.counters
    db.session.execute(delete(THROTTLE).where(THROTTLE.c.key == account.key))
    db.session.execute(
        update(THROTTLE)
        .where(THROTTLE.c.key == address.key, THROTTLE.c.tries > 0)
        .values(tries=THROTTLE.c.tries - 1)
    )
    db.session.commit()


def _tried_from(user_id: int):
    """The address counters of the addresses the account was tried from."""
    return select(THROTTLE.c.place_key).where(
        THROTTLE.c.user_id == user_id, THROTTLE.c.place_key.is_not(None)
    )


def unlock(user_id: int) -> int:
    """An admin clears every lock and count on the account, from every address, and the
    locks on those addresses (a shared office locked by someone else's tries): otherwise
    the right password is still refused there. Commits."""
    addresses = db.session.execute(delete(THROTTLE).where(THROTTLE.c.key.in_(_tried_from(user_id))))
    cleared = db.session.execute(delete(THROTTLE).where(THROTTLE.c.user_id == user_id))
    db.session.commit()
    return cleared.rowcount + addresses.rowcount


def locked_accounts(now: datetime | None = None) -> set[int]:
    """Accounts locked from at least one address now, on their own or by the address (locked,
    or at its limit within the window)."""
    now = now or utcnow()
    address = THROTTLE.alias("address")
    at_limit = (address.c.tries >= MAX_ADDRESS_TRIES) & (
        address.c.window_started_at >= now - TRY_WINDOW
    )
    locked_address = select(address.c.key).where((address.c.locked_until > now) | at_limit)
    return set(
        db.session.scalars(
            select(THROTTLE.c.user_id)
            .where(
                THROTTLE.c.user_id.is_not(None),
                (THROTTLE.c.locked_until > now) | THROTTLE.c.place_key.in_(locked_address),
            )
            .group_by(THROTTLE.c.user_id)
        )
    )
