"""The easy-read check on the pages themselves, not only on the YAML: every page and state a
respondent can see, rendered by the app's test client, so the templates' own words are
checked too. A page that uses a glossary word must show its meaning, in a hint or under
"What does this mean?" (a <details>, which works without JavaScript)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from ..definitions import Question, SurveyDefinition, glossary_words_in, load_glossary

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
}
UNSEEN_ELEMENTS = {"script", "style", "template"}
# A page's code, shown as one word on the code page.
CODE_PATTERN = re.compile(r'class="resume-code"[^>]*>([A-Z0-9-]+)<')


class PageWords(HTMLParser):
    """A page's words (text, alt text and aria-labels), and apart from them the words that
    explain: those in a hint or in a <details>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.explaining: list[str] = []
        self._open: list[tuple[str, bool, bool]] = []  # (tag, explains, unseen)

    def _inside(self, index: int) -> bool:
        return any(element[index] for element in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("alt", "aria-label"):
            if values.get(name):
                self.words.append(values[name])
        if tag in VOID_ELEMENTS:
            return
        explains = tag == "details" or "hint" in (values.get("class") or "").split()
        self._open.append((tag, explains, tag in UNSEEN_ELEMENTS))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._inside(2):
            return
        self.words.append(data)
        if self._inside(1):
            self.explaining.append(data)


def _joined(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def unexplained_words(html: str, glossary: dict[str, str]) -> list[str]:
    """Glossary words the page uses without showing their meaning in a hint or <details>."""
    page = PageWords()
    page.feed(html)
    explaining = _joined(page.explaining)
    return [
        word
        for word in glossary_words_in(_joined(page.words), glossary)
        if _joined([glossary[word]]) not in explaining
    ]


def _answer_data(definition: SurveyDefinition, question: Question) -> dict:
    """A valid answer: one that brings in a question asked only after it (show_if), so that
    every page is seen; else the first answer that can go with others, the lowest number,
    words."""
    brings_in = [
        q.show_if.answers[0]
        for q in definition.questions
        if q.show_if and q.show_if.question == question.id
    ]
    if brings_in:
        return {"answer": brings_in[0]}
    if question.is_choice:
        return {"answer": next(o.id for o in question.options if not o.exclusive)}
    if question.type == "number":
        return {"answer": str(question.min)}
    return {"answer": "It was fine."}


def _survey_pages(client, definition: SurveyDefinition) -> Iterator[tuple[str, str]]:
    """Each page of one survey as a respondent goes through it, with each error state."""

    def page(address: str, data: dict | None = None, label: str = "") -> tuple[str, str]:
        reply = client.post(address, data=data) if data is not None else client.get(address)
        return f"{address}{label}", reply.get_data(as_text=True)

    start = f"/s/{definition.slug}"
    yield page(start)
    yield page(start, {}, " (sent empty)")
    client.post(start, data={"filled_by": definition.filled_by[0].id})
    code_address, code_page = page(f"{start}/code")
    yield code_address, code_page
    for question in definition.questions:
        address = f"{start}/q/{question.id}"
        yield page(address)
        yield page(address, {"save": "1"}, " (sent empty)")
        exclusive = [o.id for o in question.options if o.exclusive]
        if exclusive:
            mixed = {"save": "1", "answer": [question.options[0].id, exclusive[0]]}
            yield page(address, mixed, " (an exclusive answer with another)")
        client.post(address, data={"save": "1", **_answer_data(definition, question)})
    yield page(f"{start}/check")
    client.post(f"{start}/check", data={})
    yield page(f"{start}/done")
    code = CODE_PATTERN.search(code_page).group(1)
    yield page("/withdraw", {"code": code, "confirm": "y"}, " (answers taken back)")


def respondent_pages(client, definitions: list[SurveyDefinition]) -> Iterator[tuple[str, str]]:
    """(address and state, HTML) of every page a respondent can see."""
    about = ("/about/help", "/about/privacy", "/about/accessibility", "/about/cookies")
    for address in ("/", "/resume", "/withdraw", "/no-such-page", *about):
        yield address, client.get(address).get_data(as_text=True)
    for address in ("/resume", "/withdraw"):
        yield f"{address} (sent empty)", client.post(address, data={}).get_data(as_text=True)
    for definition in definitions:
        yield from _survey_pages(client, definition)


def page_problems(easyread_dir: Path, definitions: list[SurveyDefinition]) -> list[str]:
    """Render every respondent page of these surveys (on a database made for the purpose)
    and name each glossary word a page uses without explaining it."""
    from .. import create_app  # the app is built here, not on import: the app imports this
    from ..extensions import db
    from . import versions as survey_versions

    glossary = load_glossary(easyread_dir)
    if not glossary:
        return []
    roomy = {name: "10000 per minute" for name in ("START_LIMIT", "ANSWER_LIMIT", "RESUME_LIMIT")}
    with tempfile.TemporaryDirectory(prefix="sefvoice-pagecheck-") as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'pages.db'}",
                "CHECK_MIGRATED": False,
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "EASYREAD_DIR": str(easyread_dir),
                **roomy,
            }
        )
        with app.app_context():
            db.create_all()
            survey_versions.store_definitions(definitions)
            problems = [
                f"{address}: uses {word!r} without saying what it means"
                " (reword it, or list it in the question's 'explain')"
                for address, html in respondent_pages(app.test_client(), definitions)
                for word in unexplained_words(html, glossary)
            ]
            db.session.remove()
            db.engine.dispose()
    return problems
