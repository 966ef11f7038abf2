"""Register, log in and out, and manage one's own account."""

from __future__ import annotations

from flask import (
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
from hub.auth.routes import bp, codes
from hub.errors import WrongPassword
from hub.extensions import db, limiter
from hub.permissions import Permission
from hub.verification import challenge
from hub.web.access import public, requires
from hub.web.htmx import see_other
from hub.web.urls import safe_next


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
def login():
    """Log in with mobile number and password; the error never says which was wrong.

    Many failures from one address (a community centre's Wi-Fi, a carrier's NAT)
    do not block it: the next attempts there answer a picture challenge first.
    """
    if current_user.is_authenticated:
        return see_other(safe_next())
    form = forms.LoginForm()
    address = get_remote_address()
    if form.validate_on_submit() and _passed_address_check(form, address):
        mobile = form.mobile.normalized
        # A locked number is refused before the password is even checked.
        until = lockout.locked_until(mobile)
        if until is None:
            user = services.authenticate(mobile, form.password.data)
            if user is not None and not user.mobile_verified:
                db.session.rollback()
                lockout.clear_failures(mobile)
                response = codes.verify_before_login(user, form)
                if response is not None:
                    return response
                return _login_page(form, 429)
            if user is not None:
                db.session.commit()
                lockout.clear_failures(mobile)
                login_user(user, remember=form.remember.data)
                if user.locale:
                    session["locale"] = user.locale
                return see_other(safe_next())
            lockout.record_address_failure(address)
            until = lockout.record_failure(mobile)
        if until is not None:
            form.form_errors.append(lockout.message(until))
            form.form_errors.append(_("You can still log in with a code by SMS."))
            headers = {"Retry-After": str(lockout.retry_after(until))}
            return _login_page(form, 429, headers)
        form.form_errors.append(_("The mobile number or password is not right."))
    if request.method == "POST" and lockout.address_needs_challenge(address):
        challenge.new_challenge()
    return _login_page(form, 422 if request.method == "POST" else 200)


def _passed_address_check(form: forms.LoginForm, address: str) -> bool:
    """Past the failures allowed from an address, a solved challenge is needed."""
    if not lockout.address_needs_challenge(address):
        return True
    if form.challenge.data and challenge.solve(form.challenge.data):
        return True
    form.challenge.errors.append(
        _("Many wrong attempts came from here. Copy the digits in the picture.")
    )
    return False


def _login_page(form: forms.LoginForm, status: int, headers=None):  # noqa: ANN001, ANN202
    return (
        render_template(
            "auth/login.html", form=form, challenge_id=challenge.current_id()
        ),
        status,
        headers or {},
    )


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
