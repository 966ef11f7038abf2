"""Tender pages on one blueprint: the public list and proposals (``public``, which
declares it) and the street's publish, compare, award and cancel (``review``).
Registered by ``init_tenders``."""
