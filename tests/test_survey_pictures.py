"""A survey picture names a file inside static/pictures that is an SVG or a PNG, and nothing
else is read through one: not when a definition is checked or uploaded, not when the
easy-read bulletin, its PDF, a paper copy or a flyer draws it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from sefvoice.definitions import load_charter, parse_survey
from sefvoice.extensions import db
from sefvoice.models import Survey
from sefvoice.pictures import PictureRefused, picture_problem, read_picture

from .conftest import EASYREAD, FIXTURES, STATIC, job_result, post_form, sign_in
from .test_bulletin import make_data
from .test_manage import officer, upload  # noqa: F401 (officer is a fixture)

SECRET = "sefvoice-picture-secret"
TICK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="5" height="5"/></svg>'
)


@pytest.fixture
def static(tmp_path) -> Path:
    """A static folder with a picture, a secret beside it and links in and out."""
    pictures = tmp_path / "static" / "pictures"
    pictures.mkdir(parents=True)
    (pictures / "tick.svg").write_bytes(TICK)
    (pictures / "dot.png").write_bytes(Path(STATIC, "pictures", "yes.svg").read_bytes())
    (pictures / "notes.svg").write_text(f"SEFVOICE_SECRET_KEY={SECRET}\n")
    (tmp_path / "secret.txt").write_text(SECRET)
    (pictures / "out.svg").symlink_to(tmp_path / "secret.txt")
    (pictures / "in.svg").symlink_to(pictures / "tick.svg")
    return tmp_path / "static"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/proc/self/environ", "not from /"),
        ("pictures/../../secret.txt", "must not go up a folder with '..'"),
        ("../secret.txt", "must not go up a folder"),
        ("css/sefvoice.css", "must be in static/pictures/"),
        ("pictures\\..\\..\\secret.txt", "with / between folders"),
        ("pictures/out.svg", "leads out of static/pictures/ through a link"),
        ("pictures/notes.svg", "is not an SVG or PNG picture"),
        ("pictures/nope.svg", "is not a file under static/"),
        ("pictures", "must be in static/pictures/"),
    ],
)
def test_a_path_out_of_the_pictures_folder_or_not_a_picture_is_refused(static, name, reason):
    assert reason in picture_problem(static, name)
    with pytest.raises(PictureRefused):
        read_picture(static, name)


def test_svg_and_png_inside_the_folder_are_read_by_content(static):
    assert read_picture(static, "pictures/tick.svg").kind == "image/svg+xml"
    assert read_picture(static, "pictures/in.svg").data == TICK  # a link that stays inside
    png = Path(static, "pictures", "dot.png")
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert read_picture(static, "pictures/dot.png").kind == "image/png"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["pictures", "..", ".", "", "/", "out.svg", "tick.svg", "notes.svg", "~"])
        | st.text(max_size=8),
        min_size=1,
        max_size=6,
    )
)
def test_whatever_the_path_only_pictures_inside_the_folder_are_read(static, parts):
    name = "/".join(parts)
    try:
        picture = read_picture(static, name)
    except PictureRefused as refused:
        assert str(refused)
        return
    except (OSError, ValueError):  # a name the file system cannot hold is never a picture
        pytest.fail(f"{name!r} raised something other than PictureRefused")
    assert picture.path.is_relative_to((static / "pictures").resolve())
    assert SECRET.encode() not in picture.data


def test_surveys_check_refuses_a_picture_outside_the_folder():
    data = yaml.safe_load((FIXTURES / "easyread" / "all-types.yaml").read_text())
    data["questions"][0]["options"][0]["picture"] = "/proc/self/environ"
    data["start"]["picture"] = "pictures/../../sefvoice/config.py"
    with pytest.raises(ValueError) as refused:
        parse_survey(data, "broken.yaml", load_charter(EASYREAD), STATIC)
    problems = refused.value.problems
    assert any("'/proc/self/environ' must be a path under static/" in p for p in problems)
    assert any("must not go up a folder with '..'" in p for p in problems)


def test_an_upload_naming_a_file_outside_the_folder_is_refused(app, officer):  # noqa: F811
    text = (FIXTURES / "easyread" / "all-types.yaml").read_text()
    text = text.replace("version: 1", "version: 2").replace(
        "pictures/yes.svg", "/proc/self/environ", 1
    )
    reply = upload(officer, text)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "&#39;/proc/self/environ&#39; must be a path under static/" in page
    assert "Publish version" not in page


@pytest.fixture
def stored_with_a_bad_picture(app, tmp_path):
    """The test survey as stored before pictures were checked: every picture names a file
    outside the pictures folder (as /proc/self/environ would be)."""
    secret = tmp_path / "environ"
    secret.write_text(f"SEFVOICE_SECRET_KEY={SECRET}")
    with app.app_context():
        survey = db.session.scalar(select(Survey).filter_by(slug="all-types"))
        definition = copy.deepcopy(survey.definition)
        for question in definition["questions"]:
            for option in question.get("options", []):
                option["picture"] = str(secret)
        definition["start"]["picture"] = str(secret)
        db.session.execute(
            update(Survey).where(Survey.id == survey.id).values(definition=definition)
        )
        db.session.commit()
        make_data()
    return app


def test_no_page_pdf_or_flyer_reads_a_stored_picture_outside_the_folder(stored_with_a_bad_picture):
    client = stored_with_a_bad_picture.test_client()
    sign_in(client, "officer")
    one_file = client.get("/bulletins/summer-2023/easy-read.html")
    assert one_file.status_code == 200
    assert SECRET not in one_file.get_data(as_text=True)
    import base64
    import re

    for encoded in re.findall(r"base64,([A-Za-z0-9+/=]+)", one_file.get_data(as_text=True)):
        assert SECRET.encode() not in base64.b64decode(encoded)
    page = client.get("/bulletins/summer-2023/easy-read")
    assert page.status_code == 200 and "environ" not in page.get_data(as_text=True)
    pdf = job_result(client, client.get("/bulletins/summer-2023/easy-read.pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    flyer = client.get("/surveys/manage/all-types/flyer.pdf")
    assert flyer.status_code == 200 and flyer.data.startswith(b"%PDF")
    printed = post_form(client, "/paper/all-types/print", {"copies": "1"})
    copies = job_result(client, printed)
    assert copies.status_code == 200 and copies.data.startswith(b"%PDF")
