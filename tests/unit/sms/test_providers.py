"""The Alibaba and Tencent adapters against a local stand-in of each provider's API.

The stand-in is a threaded HTTP server on 127.0.0.1 that records what the official
SDK sends and answers as the provider does; nothing leaves the machine.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from hub.sms.providers import (
    AliyunTransport,
    SmsConfigError,
    TencentTransport,
    endpoint,
    scrub,
)
from hub.sms.templates import (
    ACCOUNT_CREATED,
    NOTICE,
    SECURITY_ALERT,
    TEMPLATES,
    VERIFICATION_CODE,
)
from hub.sms.transports import SmsMessage, TransportError, transport_from_config

PHONE = "13812345678"
KEY_ID = "LTAI-test-key-id"
SECRET = "test-secret-never-sent"
IDS = {
    VERIFICATION_CODE: "SMS_100001",
    NOTICE: "SMS_100002",
    SECURITY_ALERT: "SMS_3",
    ACCOUNT_CREATED: "SMS_4",
}
PARAMS = {
    VERIFICATION_CODE: {"code": "246810", "action": "注册"},
    NOTICE: {"topic": "一个项目"},
    SECURITY_ALERT: {"event": "密码已重置"},
    ACCOUNT_CREATED: {},
}


@dataclass
class Seen:
    """One request as the stand-in received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Stub:
    """A provider stand-in: what it received and what it answers next."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    status: int = 200
    answer: bytes = b"{}"

    def reply(self, payload: dict[str, Any], status: int = 200) -> None:
        """Answer the next requests with this JSON."""
        self.status = status
        self.answer = json.dumps(payload).encode()


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stub]:
    """A threaded HTTP server on a random 127.0.0.1 port, stopped afterwards."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            state.seen.append(
                Seen(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            self.send_response(state.status)
            # Exactly this: Tencent's SDK reads an Error only from application/json.
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        do_GET = do_POST  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the request line holds the number."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def config(url: str, **overrides: str) -> dict[str, str]:
    """An app config for a provider whose API is at ``url``."""
    values = {
        "SMS_SIGN_NAME": "善治Hub",
        "SMS_TEMPLATES": ",".join(f"{k}={v}" for k, v in IDS.items()),
        "SMS_ACCESS_KEY_ID": KEY_ID,
        "SMS_ACCESS_KEY_SECRET": SECRET,
        "SMS_APP_ID": "1400006666",
        "SMS_REGION": "",
        "SMS_ENDPOINT": url,
    }
    values.update(overrides)
    return values


def message(template: str = VERIFICATION_CODE, **params: str) -> SmsMessage:
    """An SMS to PHONE with the template's sample parameters."""
    return SmsMessage(
        to=PHONE,
        template=template,
        params=params or PARAMS[template],
        idempotency_key="notification:42",
    )


def assert_no_number(text: str) -> None:
    """Neither the number nor its +86 form, only the mask."""
    assert PHONE not in text
    assert PHONE[3:] not in text


# --- Alibaba Cloud ----------------------------------------------------------------

ALIYUN_OK = {
    "Code": "OK",
    "Message": "OK",
    "BizId": "900619746936498440^0",
    "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
}


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_aliyun_sends_the_template_id_and_json_params(
    stub: Stub, template: str
) -> None:
    stub.reply(ALIYUN_OK)
    AliyunTransport(config(stub.url)).send(message(template))

    [seen] = stub.seen
    assert seen.method == "POST"
    assert seen.path == "/"
    assert seen.headers["x-acs-action"] == "SendSms"
    assert seen.headers["x-acs-version"] == "2017-05-25"
    assert seen.query["PhoneNumbers"] == PHONE
    assert seen.query["SignName"] == "善治Hub"
    assert seen.query["TemplateCode"] == IDS[template]
    assert json.loads(seen.query["TemplateParam"]) == PARAMS[template]
    assert seen.query["OutId"] == "notification:42"
    assert f"Credential={KEY_ID}," in seen.headers["authorization"]
    assert SECRET not in json.dumps(seen.headers) + json.dumps(seen.query)


def test_aliyun_refusal_names_code_and_message_but_not_the_number(
    stub: Stub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stub.reply(
        {
            "Code": "isv.BUSINESS_LIMIT_CONTROL",
            "Message": f"触发号码天级流控Permits:10 {PHONE}",
            "RequestId": "A1B2C3",
        }
    )
    with pytest.raises(TransportError) as refused:
        AliyunTransport(config(stub.url)).send(message())

    text = str(refused.value)
    assert "isv.BUSINESS_LIMIT_CONTROL" in text
    assert "触发号码天级流控" in text
    assert "A1B2C3" in text
    assert_no_number(text)
    # urllib3 logs the request line, query and number included, at DEBUG: masked.
    assert "PhoneNumbers=138****5678" in caplog.text
    assert_no_number(caplog.text)


def test_aliyun_http_error_becomes_a_transport_error(stub: Stub) -> None:
    stub.reply(
        {
            "Code": "InvalidAccessKeyId.NotFound",
            "Message": "Specified access key is not found.",
            "RequestId": "D4E5F6",
        },
        status=404,
    )
    with pytest.raises(TransportError, match="InvalidAccessKeyId.NotFound") as failed:
        AliyunTransport(config(stub.url)).send(message())
    assert_no_number(str(failed.value))
    assert failed.value.__suppress_context__


def test_aliyun_network_failure_does_not_leak_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransportError, match="refused") as failed:
        AliyunTransport(config(closed_port_url())).send(message())
    # requests' message holds the URL, query string and number included.
    assert "PhoneNumbers=138****5678" in str(failed.value)
    assert_no_number(str(failed.value))
    assert_no_number(caplog.text)


# --- Tencent Cloud ----------------------------------------------------------------


def tencent_answer(code: str = "Ok", text: str = "send success") -> dict[str, Any]:
    """Tencent's SendSms answer for one number."""
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": f"+86{PHONE}",
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "notification:42",
                    "Code": code,
                    "Message": text,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_tencent_sends_the_template_id_and_ordered_params(
    stub: Stub, template: str
) -> None:
    stub.reply(tencent_answer())
    TencentTransport(config(stub.url)).send(message(template))

    [seen] = stub.seen
    assert seen.method == "POST"
    assert seen.path == "/"
    assert seen.headers["x-tc-action"] == "SendSms"
    assert seen.headers["x-tc-version"] == "2021-01-11"
    assert seen.headers["x-tc-region"] == "ap-guangzhou"
    assert seen.headers["authorization"].startswith(
        f"TC3-HMAC-SHA256 Credential={KEY_ID}/"
    )
    body = json.loads(seen.body)
    assert body == {
        "PhoneNumberSet": [f"+86{PHONE}"],
        "SmsSdkAppId": "1400006666",
        "SignName": "善治Hub",
        "TemplateId": IDS[template],
        "TemplateParamSet": [PARAMS[template][p] for p in TEMPLATES[template].params],
        "SessionContext": "notification:42",
    }
    assert SECRET not in json.dumps(seen.headers)


def test_tencent_params_follow_the_registered_order_not_the_mapping(
    stub: Stub,
) -> None:
    stub.reply(tencent_answer())
    reordered = message(VERIFICATION_CODE, action="登录", code="135790")
    TencentTransport(config(stub.url)).send(reordered)
    assert json.loads(stub.seen[0].body)["TemplateParamSet"] == ["登录", "135790"]


def test_tencent_refusal_names_code_and_message_but_not_the_number(
    stub: Stub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stub.reply(
        tencent_answer(
            "LimitExceeded.PhoneNumberDailyLimit",
            f"the number of sms messages sent from a single mobile number every day "
            f"exceeds the upper limit: +86{PHONE}",
        )
    )
    with pytest.raises(TransportError) as refused:
        TencentTransport(config(stub.url)).send(message())

    text = str(refused.value)
    assert "LimitExceeded.PhoneNumberDailyLimit" in text
    assert "exceeds the upper limit" in text
    assert "a0aabda6-cf91-4f3e-a81f-9198114a2279" in text
    assert_no_number(text)
    # The SDK logs request and answer (both hold the number) at DEBUG: masked.
    assert "SendRequest" in caplog.text
    assert "+86138****5678" in caplog.text
    assert_no_number(caplog.text)


def test_tencent_api_error_becomes_a_transport_error(stub: Stub) -> None:
    stub.reply(
        {
            "Response": {
                "Error": {
                    "Code": "AuthFailure.SecretIdNotFound",
                    "Message": "The SecretId is not found",
                },
                "RequestId": "b1c2d3",
            }
        }
    )
    with pytest.raises(TransportError, match="AuthFailure.SecretIdNotFound") as failed:
        TencentTransport(config(stub.url)).send(message())
    assert "b1c2d3" in str(failed.value)


def test_tencent_network_failure_is_a_transport_error() -> None:
    with pytest.raises(TransportError, match="ClientNetworkError") as failed:
        TencentTransport(config(closed_port_url())).send(message())
    assert_no_number(str(failed.value))


# --- Configuration ----------------------------------------------------------------


@pytest.mark.parametrize("transport", [AliyunTransport, TencentTransport])
def test_a_template_without_an_id_is_a_configuration_error(
    stub: Stub, transport: type
) -> None:
    sender = transport(config(stub.url, SMS_TEMPLATES=f"{NOTICE}=SMS_2"))
    with pytest.raises(SmsConfigError, match="no template id for 'verification_code'"):
        sender.send(message(VERIFICATION_CODE))
    assert stub.seen == []
    assert issubclass(SmsConfigError, TransportError)


@pytest.mark.parametrize(
    ("transport", "empty", "named"),
    [
        (AliyunTransport, "SMS_ACCESS_KEY_SECRET", "HUB_SMS_ACCESS_KEY_SECRET"),
        (AliyunTransport, "SMS_SIGN_NAME", "HUB_SMS_SIGN_NAME"),
        (TencentTransport, "SMS_ACCESS_KEY_ID", "HUB_SMS_ACCESS_KEY_ID"),
        (TencentTransport, "SMS_APP_ID", "HUB_SMS_APP_ID"),
    ],
)
def test_missing_settings_fail_when_the_transport_is_built(
    transport: type, empty: str, named: str
) -> None:
    with pytest.raises(SmsConfigError, match=named):
        transport(config("", **{empty: ""}))


def test_a_misspelled_template_name_fails_when_built() -> None:
    with pytest.raises(SmsConfigError, match="verfication_code"):
        AliyunTransport(config("", SMS_TEMPLATES="verfication_code=SMS_1"))


def test_unknown_templates_and_params_are_refused_before_sending(stub: Stub) -> None:
    sender = AliyunTransport(config(stub.url))
    with pytest.raises(ValueError, match="free_text"):
        sender.send(SmsMessage(to=PHONE, template="free_text", params={}))
    with pytest.raises(ValueError, match="parameters"):
        sender.send(message(NOTICE, topic="x", extra="y"))
    assert stub.seen == []


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", ("https", None)),
        ("dysmsapi.aliyuncs.com", ("https", "dysmsapi.aliyuncs.com")),
        ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
        ("https://sms.tencentcloudapi.com/", ("https", "sms.tencentcloudapi.com")),
    ],
)
def test_endpoint_is_a_host_or_an_http_url(
    setting: str, expected: tuple[str, str | None]
) -> None:
    assert endpoint({"SMS_ENDPOINT": setting}) == expected


def test_endpoint_refuses_other_schemes() -> None:
    with pytest.raises(SmsConfigError):
        endpoint({"SMS_ENDPOINT": "ftp://example"})


@pytest.mark.parametrize(
    "text",
    [
        f"to {PHONE}",
        f"PhoneNumbers={PHONE}&x=1",
        f'["+86{PHONE}"]',
        f"PhoneNumberSet=%2B86{PHONE}",
        f"0086{PHONE}",
    ],
)
def test_scrub_masks_mainland_numbers(text: str) -> None:
    masked = scrub(text)
    assert_no_number(masked)
    assert "138****5678" in masked


def test_scrub_leaves_other_digits() -> None:
    assert scrub("BizId 900619746936498440^0, code 246810") == (
        "BizId 900619746936498440^0, code 246810"
    )


@pytest.mark.parametrize(
    ("name", "transport"), [("aliyun", AliyunTransport), ("tencent", TencentTransport)]
)
def test_transport_from_config_picks_the_provider(name: str, transport: type) -> None:
    chosen = transport_from_config({**config(""), "SMS_PROVIDER": name})
    assert type(chosen) is transport
