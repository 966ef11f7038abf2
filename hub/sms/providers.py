"""Alibaba Cloud and Tencent Cloud SMS: a registered template id, parameters, a sign.

``HUB_SMS_PROVIDER=aliyun`` or ``tencent`` picks one of these (see
``hub.sms.transports.PROVIDERS``). Each reads the app config once, when it is built,
and refuses to be built without what every message needs (credentials, sign name,
Tencent's SdkAppId): a misconfigured ``flask outbox deliver`` stops at once instead
of failing every message in turn. A template without an id in ``HUB_SMS_TEMPLATES``
fails only its own messages, at send time, so the outbox retries them once the id
is added (templates are often approved one by one).

Failures raise ``TransportError`` with the provider's code and message; the number is
masked in that text and in what the SDKs log (they log request URLs and bodies at
DEBUG). The idempotency key goes to the provider (Alibaba ``OutId``, Tencent
``SessionContext``), which only echoes it in receipts: neither provider drops a
repeated key, so sending at most once stays the outbox's claim.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as aliyun_models
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
from alibabacloud_tea_openapi.utils_models import Config as AliyunConfig
from Tea.exceptions import TeaException
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as tencent_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from hub.phones import scrub
from hub.sms.templates import TEMPLATES, check_params
from hub.sms.transports import SmsMessage, TransportError, template_ids

log = logging.getLogger(__name__)

#: Seconds to open a connection and to wait for the answer (Tencent's SDK has one
#: timeout for both: READ_TIMEOUT).
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 5

ALIYUN_REGION = "cn-hangzhou"
TENCENT_REGION = "ap-guangzhou"

#: Loggers of the SDKs and their HTTP stack that print request URLs or bodies.
_SDK_LOGGERS = ("urllib3.connectionpool", "darabonba-core", "tencentcloud_sdk_common")


class SmsConfigError(TransportError):
    """The provider is not configured for this: credentials, sign name or template."""


class _NumberMask(logging.Filter):
    """Masks mobile numbers in a third-party logger's records."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the handler's to report
            return True
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _mask_sdk_logs() -> None:
    """Add the masking filter to the SDK loggers, once per process."""
    for name in _SDK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NumberMask) for f in logger.filters):
            logger.addFilter(_NumberMask())


def _setting(config: Mapping[str, Any], key: str) -> str:
    return str(config.get(key) or "").strip()


def _require(provider: str, config: Mapping[str, Any], *keys: str) -> None:
    """Refuse to build a transport while any of ``keys`` is empty."""
    missing = [f"HUB_{key}" for key in keys if not _setting(config, key)]
    if missing:
        raise SmsConfigError(f"{provider} SMS: set {', '.join(missing)}")


def endpoint(config: Mapping[str, Any]) -> tuple[str, str | None]:
    """``(protocol, host)`` from SMS_ENDPOINT: a host or ``http(s)://host[:port]``.

    Empty means the provider's default host (over https).
    """
    raw = _setting(config, "SMS_ENDPOINT")
    if not raw:
        return "https", None
    if "://" not in raw:
        return "https", raw.rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SmsConfigError(f"HUB_SMS_ENDPOINT: not a host or http(s) URL: {raw!r}")
    return parts.scheme, parts.netloc


def _e164(mobile: str) -> str:
    """+86 and the 11-digit mainland number, as Tencent's PhoneNumberSet wants it."""
    return mobile if mobile.startswith("+") else f"+86{mobile}"


class _ProviderTransport:
    """What both providers share: sign name, template ids, error texts."""

    provider = ""

    def __init__(self, config: Mapping[str, Any], *required: str) -> None:
        _require(
            self.provider,
            config,
            "SMS_SIGN_NAME",
            "SMS_ACCESS_KEY_ID",
            "SMS_ACCESS_KEY_SECRET",
            *required,
        )
        self.sign_name = _setting(config, "SMS_SIGN_NAME")
        self.template_ids = {k: v for k, v in template_ids(config).items() if v}
        unknown = sorted(set(self.template_ids) - set(TEMPLATES))
        if unknown:
            raise SmsConfigError(
                f"HUB_SMS_TEMPLATES names templates the hub does not have: "
                f"{', '.join(unknown)} (known: {', '.join(TEMPLATES)})"
            )
        _mask_sdk_logs()

    def template_id(self, template: str) -> str:
        """The provider's id for one of our templates, or a configuration error."""
        template_id = self.template_ids.get(template)
        if not template_id:
            raise SmsConfigError(
                f"{self.provider} SMS: no template id for {template!r}: add "
                f"{template}=<id> to HUB_SMS_TEMPLATES"
            )
        return template_id

    def refused(
        self, code: Any, message: Any, to: str, request_id: Any = None
    ) -> TransportError:
        """The error naming the code and message of a refusal, number masked."""
        text = f"{self.provider} SMS refused: {code}: {message}"
        if request_id:
            text += f" (RequestId {request_id})"
        return TransportError(scrub(text, to))


class AliyunTransport(_ProviderTransport):
    """Alibaba Cloud SMS (Dysmsapi 2017-05-25 ``SendSms``).

    Needs HUB_SMS_ACCESS_KEY_ID/_SECRET and HUB_SMS_SIGN_NAME at construction
    (SmsConfigError otherwise); HUB_SMS_REGION defaults to cn-hangzhou.
    """

    provider = "aliyun"

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        protocol, host = endpoint(config)
        self.client = AliyunClient(
            AliyunConfig(
                access_key_id=_setting(config, "SMS_ACCESS_KEY_ID"),
                access_key_secret=_setting(config, "SMS_ACCESS_KEY_SECRET"),
                region_id=_setting(config, "SMS_REGION") or ALIYUN_REGION,
                endpoint=host,
                protocol=protocol,
                connect_timeout=CONNECT_TIMEOUT * 1000,  # milliseconds
                read_timeout=READ_TIMEOUT * 1000,
            )
        )

    def send(self, message: SmsMessage) -> None:
        """Send one templated SMS; raise TransportError unless Alibaba says OK."""
        check_params(message.template, message.params)
        request = aliyun_models.SendSmsRequest(
            phone_numbers=message.to,
            sign_name=self.sign_name,
            template_code=self.template_id(message.template),
            template_param=json.dumps(dict(message.params), ensure_ascii=False),
            out_id=message.idempotency_key or None,
        )
        try:
            body = self.client.send_sms(request).body
        except TeaException as e:  # refusals over HTTP 4xx/5xx, network failures
            # The SDK's text can hold the request URL, number included: it is
            # masked here and the original is not chained.
            code = e.code or type(e).__name__
            raise self.refused(code, e.message or e, message.to) from None
        if body is None:
            raise self.refused("no answer", "empty response", message.to)
        if body.code != "OK":
            raise self.refused(body.code, body.message, message.to, body.request_id)
        log.info(
            "sms sent by aliyun: %s, key %s, BizId %s",
            message.template,
            message.idempotency_key,
            body.biz_id,
        )


class TencentTransport(_ProviderTransport):
    """Tencent Cloud SMS (API 2021-01-11 ``SendSms``).

    Needs HUB_SMS_ACCESS_KEY_ID/_SECRET (SecretId/SecretKey), HUB_SMS_APP_ID
    (SdkAppId) and HUB_SMS_SIGN_NAME at construction (SmsConfigError otherwise);
    HUB_SMS_REGION defaults to ap-guangzhou.
    """

    provider = "tencent"

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config, "SMS_APP_ID")
        self.app_id = _setting(config, "SMS_APP_ID")
        protocol, host = endpoint(config)
        try:
            credential = Credential(
                _setting(config, "SMS_ACCESS_KEY_ID"),
                _setting(config, "SMS_ACCESS_KEY_SECRET"),
            )
        except TencentCloudSDKException as e:
            raise SmsConfigError(f"tencent SMS: {e.message}") from None
        http = HttpProfile(
            protocol=protocol, endpoint=host, reqMethod="POST", reqTimeout=READ_TIMEOUT
        )
        self.client = SmsClient(
            credential,
            _setting(config, "SMS_REGION") or TENCENT_REGION,
            ClientProfile(httpProfile=http),
        )

    def send(self, message: SmsMessage) -> None:
        """Send one templated SMS; raise TransportError unless Tencent says Ok."""
        check_params(message.template, message.params)
        request = tencent_models.SendSmsRequest()
        request.PhoneNumberSet = [_e164(message.to)]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = self.template_id(message.template)
        request.TemplateParamSet = [
            message.params[name] for name in TEMPLATES[message.template].params
        ]
        if message.idempotency_key:
            request.SessionContext = message.idempotency_key
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as e:  # API errors and network failures
            raise self.refused(e.code, e.message, message.to, e.requestId) from None
        statuses = response.SendStatusSet or []
        if not statuses:
            raise self.refused(
                "no answer", "no SendStatusSet", message.to, response.RequestId
            )
        status = statuses[0]
        if status.Code != "Ok":
            raise self.refused(
                status.Code, status.Message, message.to, response.RequestId
            )
        log.info(
            "sms sent by tencent: %s, key %s, SerialNo %s",
            message.template,
            message.idempotency_key,
            status.SerialNo,
        )
