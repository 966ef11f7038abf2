"""Need pages on one blueprint: the resident's (``resident``, which declares it)
and the social workers' and organizations' handling (``work``). Registered by
``init_needs``."""
