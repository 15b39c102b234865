"""The ceiling for bench/load.py: the same request pattern as a survey page (a GET of a form
with a token, then a POST answered by a redirect) with no database, templates or extensions.

    gunicorn --chdir bench bare_flask:app
"""

from __future__ import annotations

from flask import Flask, redirect, request

app = Flask(__name__)
PAGE = '<form method="post"><input type="hidden" name="csrf_token" value="{token}"></form>'


@app.route("/page/<int:number>", methods=["GET", "POST"])
def page(number: int):
    if request.method == "POST":
        return redirect(f"/page/{number + 1}")
    return PAGE.format(token=number)
