"""The SMS templates the hub sends, their parameters, and their words.

Each template is registered with the provider (its text below, in Chinese, is what an
operator submits for approval) and named in ``HUB_SMS_TEMPLATES`` with the id the
provider gave it. Parameters are stored as codes and put into words when sent, in
``HUB_SMS_LOCALE``, the language of the registered templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Template:
    """One registered template: its parameters and the text it shows."""

    name: str
    params: tuple[str, ...]
    #: The text with ``{param}`` holes, as the console prints it.
    text: Any
    #: What the provider is asked to register (zh_CN; Alibaba writes ``${param}``).
    registered: str


VERIFICATION_CODE = "verification_code"
NOTICE = "notice"
SECURITY_ALERT = "security_alert"
ACCOUNT_CREATED = "account_created"

TEMPLATES: dict[str, Template] = {
    VERIFICATION_CODE: Template(
        VERIFICATION_CODE,
        # In the order the text uses them: Tencent numbers parameters {1}, {2}.
        ("action", "code"),
        _l(
            "Your code for {action} is {code}, valid for 5 minutes. If this was not "
            "you, ignore this message; never tell anyone the code."
        ),
        "您正在${action}，验证码${code}，5分钟内有效。如非本人操作请忽略，"
        "切勿将验证码告诉他人。",
    ),
    NOTICE: Template(
        NOTICE,
        ("topic",),
        _l("You have a new message about {topic}. Open 善治 Hub to read it."),
        "您有一条关于${topic}的新消息，请登录善治Hub查看。",
    ),
    SECURITY_ALERT: Template(
        SECURITY_ALERT,
        ("event",),
        _l(
            "Your 善治 Hub account: {event}. If this was not you, contact your "
            "street office at once."
        ),
        "您的善治Hub账号${event}。如非本人操作，请立即联系街道办事处。",
    ),
    ACCOUNT_CREATED: Template(
        ACCOUNT_CREATED,
        (),
        _l(
            "You have been registered as a volunteer on 善治 Hub. Log in with this "
            "number and a code by SMS, then choose a password."
        ),
        "您已被登记为善治Hub志愿者。请用本手机号通过短信验证码登录，并设置密码。",
    ),
}

#: Words for parameter codes; each value is short and fixed (no user text).
WORDS: dict[str, dict[str, Any]] = {
    "action": {
        "register": _l("registering"),
        "sign_in": _l("signing in"),
        "reset": _l("resetting your password"),
        "change_number": _l("changing your mobile number"),
        "invitation": _l("accepting an invitation"),
    },
    "topic": {
        "filing": _l("an organization's filing"),
        "organization": _l("an organization"),
        "project": _l("a project"),
        "shift": _l("a shift"),
        "hours": _l("service hours"),
        "need": _l("a residents' need"),
        "account": _l("your account"),
        "message": _l("your account"),
    },
    "event": {
        "password_reset": _l("password was reset"),
        "password_changed": _l("password was changed"),
        "number_changed_away": _l("mobile number was changed to another number"),
        "number_changed_here": _l("is now bound to this mobile number"),
        "recovery_requested": _l("is being moved to a new mobile number by the street"),
    },
}

#: Which notice topic a notification kind's SMS names, by the kind's first word.
_TOPIC_BY_PREFIX = {
    "filing": "filing",
    "incubation": "filing",
    "staff": "organization",
    "linkage": "project",
    "project": "project",
    "proposal": "project",
    "tender": "project",
    "evaluation": "project",
    "shift": "shift",
    "signup": "shift",
    "hours": "hours",
    "dispute": "hours",
    "need": "need",
    "account": "account",
    "role": "account",
}


def topic_for(kind: str) -> str:
    """The notice topic code for a notification kind (``message`` when unknown)."""
    return _TOPIC_BY_PREFIX.get(kind.partition("_")[0], "message")


class UnknownTemplate(ValueError):
    """A template or parameter the hub has not registered."""


def check_params(template: str, params: Mapping[str, Any]) -> None:
    """Refuse anything but a known template with exactly its parameters."""
    known = TEMPLATES.get(template)
    if known is None:
        raise UnknownTemplate(template)
    if set(params) != set(known.params):
        raise UnknownTemplate(f"{template}: parameters {sorted(params)}")


def words(template: str, params: Mapping[str, Any], locale: str) -> dict[str, str]:
    """The parameters as sent: codes put into words, the rest as short text."""
    check_params(template, params)
    result: dict[str, str] = {}
    with force_locale(locale):
        for name, value in params.items():
            table = WORDS.get(name)
            if table is not None:
                if value not in table:
                    raise UnknownTemplate(f"{template}: {name}={value!r}")
                result[name] = str(table[value])
            else:
                result[name] = str(value)
    return result


def render(template: str, params: Mapping[str, str], locale: str) -> str:
    """The template's text with its (worded) parameters, as the console shows it."""
    with force_locale(locale):
        return str(TEMPLATES[template].text).format(**params)
