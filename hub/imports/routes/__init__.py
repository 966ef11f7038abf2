"""Import pages, one blueprint each: upload, preview and confirm (``upload``) and
the imported volunteer's activation (``activation``). Registered by ``init_imports``."""
