"""Which address a login attempt comes from, for django-axes' lockouts.

Behind the nginx of the README's deployment section every request reaches gunicorn from the
proxy itself (``REMOTE_ADDR`` 127.0.0.1); the client's address is the one the proxy appends to
``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``).  Only that last entry is trustworthy:
whatever stands to its left was sent by the client and can be invented.

django-axes asks django-ipware for the address (configured as its documentation says, through
``AXES_IPWARE_PROXY_COUNT`` and ``AXES_IPWARE_META_PRECEDENCE_ORDER``).  ipware's proxy count is
the number of proxy addresses listed *after* the client in the header; the proxy nearest to us
is ``REMOTE_ADDR`` and never in the header, so N proxies in front of gunicorn list N - 1 of them.
"""

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
REMOTE_ADDR = "REMOTE_ADDR"


def axes_address_settings(proxies: int) -> dict:
    """The settings that make django-axes see the client's address behind ``proxies`` reverse
    proxies (0: none, ``REMOTE_ADDR`` is the client; 1: the README's nginx)."""
    if proxies < 0:
        raise ValueError("The number of reverse proxies cannot be negative.")
    if proxies == 0:
        # Without a proxy X-Forwarded-For is whatever the client typed: never read it.
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": (REMOTE_ADDR,), "AXES_IPWARE_PROXY_COUNT": None, "IPWARE_STRICT": False}
    return {
        # REMOTE_ADDR only when a request did not come through the proxy (it has no header).
        "AXES_IPWARE_META_PRECEDENCE_ORDER": (FORWARDED_FOR, REMOTE_ADDR),
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,
        # Not strict: a client that sends its own X-Forwarded-For (or a forward proxy in an office
        # that adds one) makes the header longer; the entry our proxy wrote is still the one we take.
        # Strict would refuse such a header and fall back to REMOTE_ADDR, the proxy shared by all.
        "IPWARE_STRICT": False,
    }
