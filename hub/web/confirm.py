"""One more tap before an action that one tap should not do by mistake.

The action's form posts as before. Without ``confirm=yes`` the route answers with
the question instead of acting: a small page, or with htmx the question in place of
the button (inside the same form, so its htmx target still applies). Its "yes"
posts the same fields again with ``confirm=yes``; "keep" goes back (with htmx,
static/js/toasts.js puts the button back). Works the same without JavaScript.
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request, url_for

from hub.web.htmx import is_htmx
from hub.web.urls import page_came_from

#: The field the second tap adds.
CONFIRM_FIELD = "confirm"
#: Fields of the first tap not copied into the question's form.
_NOT_COPIED = frozenset({"csrf_token", CONFIRM_FIELD})


def ask_first(
    question: str,
    *,
    yes: str,
    no: str,
    back: str | None = None,
    danger: bool = False,
) -> Response | str | None:
    """None when this is the confirmed second tap (go ahead); else the question.

    Call it after loading the object and checking the permission, before changing
    anything. ``back``: where "keep" goes without htmx (default: the page the
    request came from).
    """
    if request.form.get(CONFIRM_FIELD) == "yes":
        return None
    context = {
        "question": question,
        "yes": yes,
        "no": no,
        "back": back or page_came_from() or url_for("main.home"),
        "danger": danger,
        "fields": [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name not in _NOT_COPIED
        ],
        "action": request.full_path.rstrip("?"),
    }
    if is_htmx():
        response = make_response(render_template("components/_confirm.html", **context))
        # In place of the button: inside the form that was sent, whatever it targets.
        response.headers["HX-Retarget"] = "this"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["HX-Reselect"] = "unset"
        return response
    return render_template("components/confirm.html", **context)
