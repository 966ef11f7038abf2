"""Codes by SMS: register, sign in, reset a password, change the number.

Every flow is the same three steps: the number (and a picture challenge when many
codes came from here), the code, then what the proof was for. Asking for a code
answers the same whether or not the number has an account.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Response,
    abort,
    flash,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from hub.auth import forms, lockout, proof, services
from hub.auth.labels import code_error
from hub.auth.passwords import verify_password
from hub.auth.routes import bp
from hub.errors import ChallengeRequired, CodeNotValid, MobileTaken, TooManyCodes
from hub.extensions import db, limiter
from hub.imports.services import activate_account, awaiting_activation
from hub.models.base import utcnow
from hub.models.verification import Purpose
from hub.permissions import Permission
from hub.phones import mask_mobile
from hub.verification import challenge
from hub.verification.services import check_code, send_code
from hub.web.access import public, requires
from hub.web.htmx import see_other
from hub.web.urls import safe_next

TITLES = {
    Purpose.REGISTER: _l("Create an account"),
    Purpose.SIGN_IN: _l("Log in with a code"),
    Purpose.RESET: _l("Reset your password"),
    Purpose.CHANGE_NUMBER: _l("Change my mobile number"),
}
#: Where each flow starts and where its code is typed.
START = {
    Purpose.REGISTER: "auth.register",
    Purpose.SIGN_IN: "auth.login_code",
    Purpose.RESET: "auth.password_reset",
    Purpose.CHANGE_NUMBER: "auth.change_number",
}
CODE = {
    Purpose.REGISTER: "auth.register_code",
    Purpose.SIGN_IN: "auth.login_code_verify",
    Purpose.RESET: "auth.password_reset_code",
    Purpose.CHANGE_NUMBER: "auth.change_number_code",
}


def _next_args() -> dict[str, str]:
    value = request.values.get("next")
    return {"next": safe_next(value=value)} if value else {}


def _try_send(
    form: forms.NumberForm | forms.ChangeNumberForm,
    purpose: Purpose,
    mobile: str,
    *,
    deliver: bool,
    user_id: int | None = None,
) -> bool:
    """Send (or, with nothing to deliver, only count) a code; False with the reason
    on the form. Limits count either way, so they tell nothing about accounts."""
    solved = False
    answer = request.form.get("challenge", "")
    if challenge.current_id() is not None and answer.strip():
        solved = challenge.solve(answer)
        if not solved:
            challenge.new_challenge()
            form.challenge.errors.append(_("Those are not the digits. Try this one."))
            return False
    try:
        send_code(
            mobile,
            purpose,
            address=get_remote_address(),
            solved_challenge=solved,
            deliver=deliver,
        )
    except ChallengeRequired:
        challenge.new_challenge()
        form.form_errors.append(
            _("Many codes were asked for from here. Copy the digits in the picture.")
        )
        return False
    except TooManyCodes as refused:
        form.form_errors.append(
            _(
                "Too many codes for now. Please try again in %(minutes)d minutes.",
                minutes=max(1, round(refused.retry_after / 60)),
            )
            if refused.retry_after >= 90
            else _(
                "Please wait %(seconds)d seconds before asking for another code.",
                seconds=refused.retry_after,
            )
        )
        return False
    proof.remember_sent(purpose, mobile, user_id)
    return True


def _number_page(purpose: Purpose, form, status: int = 200):  # noqa: ANN001, ANN202
    return (
        render_template(
            "auth/code_number.html",
            form=form,
            purpose=purpose,
            title=TITLES[purpose],
            challenge_id=challenge.current_id(),
            action=url_for(START[purpose], **_next_args()),
            show_login_link=purpose == Purpose.REGISTER,
        ),
        status,
    )


def _start(purpose: Purpose, deliver_to: Callable[[str], bool]):  # noqa: ANN202
    form = forms.NumberForm()
    if form.validate_on_submit():
        mobile = form.mobile.normalized
        if _try_send(form, purpose, mobile, deliver=deliver_to(mobile)):
            db.session.commit()
            flash(
                _(
                    "If %(number)s can receive SMS, a code is on its way.",
                    number=mask_mobile(mobile),
                ),
                "success",
            )
            return see_other(url_for(CODE[purpose], **_next_args()))
        db.session.commit()
    status = 422 if request.method == "POST" else 200
    return _number_page(purpose, form, status)


def _code_step(purpose: Purpose, on_proved: Callable[[proof.Step], Response | tuple]):  # noqa: ANN202
    step = proof.sent(purpose)
    if step is None:
        return see_other(url_for(START[purpose], **_next_args()))
    form = forms.CodeForm()
    if form.validate_on_submit():
        try:
            check_code(step.mobile, purpose, form.code.data)
        except CodeNotValid as wrong:
            db.session.commit()  # the wrong try counts
            form.code.errors.append(code_error(wrong))
        else:
            db.session.commit()
            return on_proved(step)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "auth/code_enter.html",
            form=form,
            purpose=purpose,
            title=TITLES[purpose],
            masked=mask_mobile(step.mobile),
            action=url_for(CODE[purpose], **_next_args()),
            resend=url_for(START[purpose], **_next_args()),
            resend_mobile=step.mobile,
        ),
        status,
    )


def _has_account(mobile: str) -> bool:
    user = services.find_user_by_mobile(mobile)
    return user is not None and (user.active or awaiting_activation(user))


# Register ---------------------------------------------------------------------
@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    """Create an account, step 1: the number to prove."""
    if current_user.is_authenticated:
        return see_other(url_for("main.home"))
    # Everyone who asks is sent a code: the holder of a registered number
    # learns it is registered only after proving it.
    return _start(Purpose.REGISTER, lambda _mobile: True)


@bp.route("/register/code", methods=["GET", "POST"])
@public
def register_code():
    """Create an account, step 2: the code from the SMS."""

    def proved(step: proof.Step):  # noqa: ANN202
        if services.find_user_by_mobile(step.mobile) is not None:
            return render_template(
                "auth/already_registered.html", masked=mask_mobile(step.mobile)
            )
        proof.remember_proved(step)
        return see_other(url_for("auth.register_details", **_next_args()))

    return _code_step(Purpose.REGISTER, proved)


@bp.route("/register/details", methods=["GET", "POST"])
@public
def register_details():
    """Create an account, step 3: name, password and consent for the proved number."""
    step = proof.proved(Purpose.REGISTER)
    if step is None:
        return see_other(url_for("auth.register"))
    form = forms.DetailsForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                name=form.name.data,
                mobile=step.mobile,
                password=form.password.data,
                consent_version=services.current_consent_version(),
                verified_at=utcnow(),
            )
        except MobileTaken:
            proof.use_proof()
            return render_template(
                "auth/already_registered.html", masked=mask_mobile(step.mobile)
            )
        if session.get("locale"):
            user.locale = session["locale"]
        proof.use_proof()
        db.session.commit()
        login_user(user)
        back = safe_next(value=request.args.get("next", ""))
        if back != url_for("main.home"):
            # Back to what they came to do (a check-in, a shift); the profile later.
            flash(
                _(
                    "Welcome, %(name)s! Your account is ready. Fill in your profile "
                    "later under Me, to be offered work that fits you.",
                    name=user.name,
                ),
                "success",
            )
            return see_other(back)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        # A new account has no volunteer profile yet: onboarding comes next.
        return see_other(url_for("profiles.edit"))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "auth/register_details.html", form=form, masked=mask_mobile(step.mobile)
        ),
        status,
    )


# Sign in by code --------------------------------------------------------------
@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code():
    """Log in with a code by SMS instead of the password."""
    if current_user.is_authenticated:
        return see_other(safe_next())
    return _start(Purpose.SIGN_IN, _has_account)


@bp.route("/login/code/verify", methods=["GET", "POST"])
@public
def login_code_verify():
    """Log in with a code, step 2 (also where a password sign-in verifies once)."""

    def proved(step: proof.Step):  # noqa: ANN202
        user = services.find_user_by_mobile(step.mobile)
        if user is not None and awaiting_activation(user) and step.user_id is None:
            proof.remember_proved(step)
            return see_other(url_for("auth.activate_by_code", **_next_args()))
        if user is None or not user.active or step.user_id not in (None, user.id):
            flash(_("No account uses this number. Create one?"), "error")
            return see_other(url_for("auth.register"))
        services.sign_in_by_code(user)
        db.session.commit()
        # The lockout guards the password; the holder of the phone gets in.
        lockout.clear_failures(user.mobile)
        login_user(user)
        if user.locale:
            session["locale"] = user.locale
        return see_other(safe_next())

    return _code_step(Purpose.SIGN_IN, proved)


@bp.route("/login/code/activate", methods=["GET", "POST"])
@public
def activate_by_code():
    """An account an organization imported: the proved holder chooses a password."""
    step = proof.proved(Purpose.SIGN_IN)
    user = services.find_user_by_mobile(step.mobile) if step else None
    if step is None or user is None or not awaiting_activation(user):
        return see_other(url_for("auth.login_code"))
    form = forms.ActivateForm()
    if form.validate_on_submit():
        activate_account(
            user,
            password=form.password.data,
            consent_version=services.current_consent_version(),
        )
        services.mark_verified(user)
        proof.use_proof()
        db.session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        return see_other(url_for("profiles.edit"))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "auth/activate_by_code.html",
            form=form,
            name=user.name,
            masked=mask_mobile(user.mobile),
        ),
        status,
    )


def verify_before_login(user, form) -> Response | None:  # noqa: ANN001
    """A password was right for an account that never proved its number: send a
    code to it and ask for it once before signing in (None: refused, see form)."""
    if _try_send(form, Purpose.SIGN_IN, user.mobile, deliver=True, user_id=user.id):
        db.session.commit()
        flash(
            _(
                "Please confirm your number once: we sent a code to %(number)s.",
                number=mask_mobile(user.mobile),
            ),
            "success",
        )
        return see_other(url_for("auth.login_code_verify", **_next_args()))
    db.session.commit()
    return None


# Reset the password -------------------------------------------------------------
@bp.route("/password/reset", methods=["GET", "POST"])
@public
def password_reset():
    """Forgot the password: a code to the number, then a new password."""
    return _start(Purpose.RESET, _has_account)


@bp.route("/password/reset/code", methods=["GET", "POST"])
@public
def password_reset_code():
    """Reset the password, step 2: the code."""

    def proved(step: proof.Step):  # noqa: ANN202
        proof.remember_proved(step)
        return see_other(url_for("auth.password_reset_new", **_next_args()))

    return _code_step(Purpose.RESET, proved)


@bp.route("/password/reset/new", methods=["GET", "POST"])
@public
def password_reset_new():
    """Reset the password, step 3: the new password; every other session ends."""
    step = proof.proved(Purpose.RESET)
    user = services.find_user_by_mobile(step.mobile) if step else None
    if step is None or user is None or not user.active:
        return see_other(url_for("auth.password_reset"))
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, new=form.new.data)
        proof.use_proof()
        db.session.commit()
        lockout.clear_failures(user.mobile)
        login_user(user)
        flash(
            _("Your password is reset. You have been logged out everywhere else."),
            "success",
        )
        return see_other(safe_next())
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_new.html", form=form), status


# Change my number ---------------------------------------------------------------
def _account_key() -> str:
    return f"change-number:{current_user.get_id().partition(':')[0]}"


@bp.route("/account/mobile", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
@limiter.limit("10 per hour", methods=["POST"], key_func=_account_key)
def change_number():
    """Change my number: the new number and my password, then a code to it."""
    user = current_user._get_current_object()
    form = forms.ChangeNumberForm()
    if form.validate_on_submit():
        new = form.mobile.normalized
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("That is not your current password."))
        elif new == user.mobile:
            form.mobile.errors.append(_("This is already your number."))
        elif _try_send(form, Purpose.CHANGE_NUMBER, new, deliver=True, user_id=user.id):
            db.session.commit()
            flash(
                _("We sent a code to %(number)s.", number=mask_mobile(new)), "success"
            )
            return see_other(url_for("auth.change_number_code"))
        db.session.commit()
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "auth/change_number.html",
            form=form,
            challenge_id=challenge.current_id(),
            masked=mask_mobile(user.mobile),
        ),
        status,
    )


@bp.route("/account/mobile/code", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_USE)
def change_number_code():
    """Change my number, step 2: the code sent to the new number."""
    user = current_user._get_current_object()

    def proved(step: proof.Step):  # noqa: ANN202
        if step.user_id != user.id:
            return see_other(url_for("auth.change_number"))
        try:
            services.change_mobile(user, step.mobile, by=user)
        except MobileTaken:
            db.session.rollback()
            flash(_("Another account uses that number."), "error")
            return see_other(url_for("auth.change_number"))
        db.session.commit()
        login_user(user)
        flash(_("Your mobile number is changed."), "success")
        return see_other(url_for("auth.account"))

    return _code_step(Purpose.CHANGE_NUMBER, proved)


@bp.route("/challenge/<challenge_id>.png")
@public
def challenge_image(challenge_id: str):
    """The picture of this session's challenge (never cached)."""
    picture = challenge.image(challenge_id)
    if picture is None:
        abort(404)
    response = Response(picture, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
