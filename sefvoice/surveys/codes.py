"""Resume codes and paper references: random, typed back in any case or spacing, stored hashed."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import Response

# No 0/O, 1/I/L: a code read out over the phone or copied from paper survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def normalise_code(typed: str) -> str:
    """What a person types ("k7pm q4tx", "K7PM-Q4TX") as the code it stands for."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    """A random code (a resume code, or a paper copy's reference)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def find_response(code: str) -> Response | None:
    return db.session.scalar(select(Response).filter_by(resume_code_hash=hash_code(code)))
