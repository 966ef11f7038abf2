"""SMS as mainland providers send it: a registered template id and short parameters.

Providers (Alibaba Cloud, Tencent Cloud) refuse free text: every message is one of
the templates below, registered with the provider under the deployment's sign name,
and its parameters are codes or fixed words, never text a user wrote.
"""
