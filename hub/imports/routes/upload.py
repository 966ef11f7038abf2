"""Import volunteers: upload → preview every row → confirm (all or nothing)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from hub.exports.writers import (
    CSV_TYPE,
    XLSX_TYPE,
    csv_chunks,
    xlsx_chunks,
)
from hub.extensions import db, limiter
from hub.imports import forms, labels, services, storage
from hub.imports.checking import ImportScope, Preview, check_rows, import_scope
from hub.imports.reading import MAX_IMPORT_BYTES, FileRefused, read_table
from hub.imports.tokens import activation_link
from hub.localtime import zone
from hub.permissions import Permission
from hub.web.access import requires
from hub.web.downloads import attachment
from hub.web.htmx import see_other

bp = Blueprint("imports", __name__, url_prefix="/imports/volunteers")

IMPORT_LIMIT = "30 per hour"
TEMPLATE_HEADERS = {
    "zh": ("姓名", "手机号", "社区", "网格", "技能"),
    "en": ("name", "mobile", "community", "grid", "skills"),
}


def _importer_key() -> str:
    return f"imports:{current_user.id if current_user.is_authenticated else ''}"


def _scope() -> ImportScope:
    """Where I may import to; reviewers and social workers only (else 403)."""
    scope = import_scope(current_user)
    if scope.is_empty:
        abort(403)
    return scope


def _upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def _pending(upload_id: str) -> storage.PendingUpload:
    """My pending upload; someone else's (or a finished one) is a 404."""
    pending = storage.load_upload(_upload_dir(), upload_id, user_id=current_user.id)
    if pending is None:
        abort(404)
    return pending


def _check(pending: storage.PendingUpload, scope: ImportScope) -> Preview:
    """Read and check the stored file again: nothing is taken from the browser."""
    try:
        table = read_table(pending.data)
    except FileRefused:
        storage.drop_upload(_upload_dir(), pending.id)
        abort(404)
    return check_rows(table.rows, scope)


@bp.route("", methods=["GET", "POST"])
@requires(Permission.REPORTS_VIEW)
@limiter.limit(IMPORT_LIMIT, methods=["POST"], key_func=_importer_key)
def upload():
    """Choose a CSV or Excel file of volunteers; it is checked, not yet imported."""
    scope = _scope()
    form = forms.UploadForm()
    if form.validate_on_submit():
        data = form.file.data.stream.read(MAX_IMPORT_BYTES + 1)
        try:
            read_table(data)
        except FileRefused as e:
            form.file.errors.append(labels.file_error(e))
        else:
            upload_id = storage.keep_upload(
                _upload_dir(),
                user_id=current_user.id,
                filename=form.file.data.filename or "",
                data=data,
            )
            return see_other(url_for(".preview", upload_id=upload_id))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", form=form, scope=scope), status


@bp.route("/template.<string:fmt>")
@requires(Permission.REPORTS_VIEW)
def template(fmt: str):
    """An empty list with the right column headers, to fill in."""
    _scope()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    locale = get_locale()
    language = "zh" if locale is None or locale.language == "zh" else "en"
    header = TEMPLATE_HEADERS[language]
    tz = zone()
    if fmt == "csv":
        body = b"".join(csv_chunks(header, [], tz=tz))
    else:
        body = b"".join(xlsx_chunks(header, [], title=_("Volunteers"), tz=tz))
    response = Response(body, content_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE)
    response.headers["Content-Disposition"] = attachment(
        f"{_('Volunteers')}.{fmt}", f"volunteers.{fmt}"
    )
    return response


@bp.route("/<upload_id>")
@requires(Permission.REPORTS_VIEW)
def preview(upload_id: str):
    """Every row of the uploaded file: what will be added, skipped, or left out."""
    scope = _scope()
    pending = _pending(upload_id)
    return render_template(
        "imports/preview.html",
        pending=pending,
        preview=_check(pending, scope),
        form=forms.EmptyForm(),
        problem_text=labels.problem_text,
        status_label=labels.status_label,
        status_chips=labels.STATUS_CHIPS,
    )


@bp.route("/<upload_id>/confirm", methods=["POST"])
@requires(Permission.REPORTS_VIEW)
@limiter.limit(IMPORT_LIMIT, key_func=_importer_key)
def confirm(upload_id: str):
    """Add every valid row in one transaction, then forget the file."""
    scope = _scope()
    pending = _pending(upload_id)
    preview_ = _check(pending, scope)
    try:
        report = services.import_volunteers(
            preview_,
            by=current_user,
            filename=pending.filename,
            link_for=activation_link,
        )
        db.session.commit()
    except services.NothingToImport:
        db.session.rollback()
        flash(_("No row of this file can be added."), "warning")
        return see_other(url_for(".preview", upload_id=upload_id))
    except IntegrityError:
        # Someone registered one of these numbers since the check: nothing was kept.
        db.session.rollback()
        flash(
            _("Some numbers were registered meanwhile. Check the list again."),
            "warning",
        )
        return see_other(url_for(".preview", upload_id=upload_id))
    storage.drop_upload(_upload_dir(), upload_id)
    flash(
        labels.imported_message(len(report.created), report.skipped, report.refused),
        "success",
    )
    return see_other(url_for(".upload"))


@bp.route("/<upload_id>/discard", methods=["POST"])
@requires(Permission.REPORTS_VIEW)
def discard(upload_id: str):
    """Forget the uploaded file without importing anything."""
    _scope()
    pending = _pending(upload_id)
    storage.drop_upload(_upload_dir(), pending.id)
    flash(_("The file was discarded. Nobody was added."), "success")
    return see_other(url_for(".upload"))
