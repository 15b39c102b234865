"""Who runs the service, how to get help, and what it does with answers and cookies: easy-read
pages filled from settings (config: PARTNERSHIP_NAME, HELP_*, PRIVACY_EMAIL, ...), linked
from every respondent page's footer."""

from __future__ import annotations

import calendar

from flask import Blueprint, current_app, render_template

bp = Blueprint("about", __name__, url_prefix="/about")
PAGES = ("help", "privacy", "accessibility", "cookies")


@bp.get("/<any(help, privacy, accessibility, cookies):page>")
def page(page: str) -> str:
    return render_template(f"about/{page}.html")


def months_in_words(terms: str) -> str:
    """The months the terms start in, as words ("January, May and September"), from the
    TERMS setting ("Spring=01-01,Summer=05-01,Autumn=09-01"): the results come out each term."""
    months = [calendar.month_name[int(part.split("=")[1][:2])] for part in terms.split(",")]
    return months[0] if len(months) == 1 else f"{', '.join(months[:-1])} and {months[-1]}"


def contacts(setting: str) -> list[tuple[str, str]]:
    """The SUPPORT_CONTACTS setting ("name=phone;name=phone") as (name, phone) pairs."""
    pairs = (item.split("=", 1) for item in setting.split(";") if "=" in item)
    return [(name.strip(), phone.strip()) for name, phone in pairs if name.strip()]


@bp.app_template_global()
def results_months() -> str:
    return months_in_words(current_app.config["TERMS"])


@bp.app_template_global()
def support_contacts() -> list[tuple[str, str]]:
    return contacts(current_app.config["SUPPORT_CONTACTS"])
