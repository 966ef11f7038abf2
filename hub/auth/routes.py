"""Register, log in and out, and manage one's own account."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from hub.auth import forms, lockout, services
from hub.errors import MobileTaken, WrongPassword
from hub.extensions import db, limiter
from hub.permissions import Permission
from hub.web.access import public, requires
from hub.web.htmx import see_other
from hub.web.urls import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _mobile_key() -> str:
    """Count attempts per number, without keeping the number in the limit store."""
    raw = request.form.get("mobile", "")
    number = forms.normalize_mobile(raw) or raw.strip()[:32]
    return f"login-mobile:{lockout.number_digest(number)}"


def _failed(response) -> bool:  # noqa: ANN001
    return response.status_code != 303


def _remembered() -> bool:
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return cookie in request.cookies


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    _login_limit, methods=["POST"], key_func=_mobile_key, deduct_when=_failed
)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=lambda: "login-addr:" + get_remote_address(),
    deduct_when=_failed,
)
def login():
    """Log in with mobile number and password; the error never says which was wrong."""
    if current_user.is_authenticated:
        return see_other(safe_next())
    form = forms.LoginForm()
    if form.validate_on_submit():
        mobile = form.mobile.normalized
        # A locked number is refused before the password is even checked.
        until = lockout.locked_until(mobile)
        if until is None:
            user = services.authenticate(mobile, form.password.data)
            if user is not None:
                db.session.commit()
                lockout.clear_failures(mobile)
                login_user(user, remember=form.remember.data)
                if user.locale:
                    session["locale"] = user.locale
                return see_other(safe_next())
            until = lockout.record_failure(mobile)
        if until is not None:
            form.form_errors.append(lockout.message(until))
            headers = {"Retry-After": str(lockout.retry_after(until))}
            return render_template("auth/login.html", form=form), 429, headers
        form.form_errors.append(_("The mobile number or password is not right."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """Create an account: name, mobile number, password and privacy consent."""
    if current_user.is_authenticated:
        return see_other(url_for("main.home"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                name=form.name.data,
                mobile=form.mobile.normalized,
                password=form.password.data,
                consent_version=services.current_consent_version(),
            )
        except MobileTaken:
            form.mobile.errors.append(
                _("This number is already registered. Log in instead?")
            )
        else:
            if session.get("locale"):
                user.locale = session["locale"]
            db.session.commit()
            login_user(user)
            flash(
                _("Welcome, %(name)s! Your account is ready.", name=user.name),
                "success",
            )
            # A new account has no volunteer profile yet: onboarding comes next.
            return see_other(url_for("profiles.edit"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """End this session on every server; a copied cookie is no longer valid."""
    if current_user.is_authenticated:
        services.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "success")
    return see_other(url_for("main.home"))


@bp.route("/account", methods=["GET"])
@requires(Permission.ACCOUNT_USE)
def account():
    """My account: name, roles, language, text size, password."""
    return render_template(
        "auth/account.html",
        password_form=forms.ChangePasswordForm(),
        form=forms.EmptyForm(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
def change_password():
    """Change my password; my other sessions end, this one stays."""
    form = forms.ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_password(user, current=form.current.data, new=form.new.data)
        except WrongPassword:
            form.current.errors.append(_("That is not your current password."))
        else:
            db.session.commit()
            login_user(user, remember=_remembered())
            flash(
                _("Password changed. You have been logged out on other devices."),
                "success",
            )
            return see_other(url_for("auth.account"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
