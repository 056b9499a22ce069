"""Which address a login attempt comes from, for django-axes' lockouts.

Behind the README's nginx the client's address is the last entry of ``X-Forwarded-For`` (what stands left of it
the client can invent).  django-ipware's proxy count is the number of proxies listed after the client; the one
nearest to us is ``REMOTE_ADDR``, never in the header, so N proxies list N - 1.
"""

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
REMOTE_ADDR = "REMOTE_ADDR"


def axes_address_settings(proxies: int) -> dict:
    """The settings that make django-axes see the client's address behind ``proxies`` reverse proxies."""
    if proxies < 0:
        raise ValueError("The number of reverse proxies cannot be negative.")
    if proxies == 0:
        # Without a proxy X-Forwarded-For is whatever the client typed: never read it.
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": (REMOTE_ADDR,), "AXES_IPWARE_PROXY_COUNT": None, "IPWARE_STRICT": False}
    return {
        # REMOTE_ADDR only when a request did not come through the proxy (it has no header).
        "AXES_IPWARE_META_PRECEDENCE_ORDER": (FORWARDED_FOR, REMOTE_ADDR),
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,
        # Not strict: a header the client (or an office's forward proxy) made longer still ends with our proxy's
        # entry; strict would fall back to REMOTE_ADDR, the proxy shared by all.
        "IPWARE_STRICT": False,
    }
