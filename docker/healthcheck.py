"""Container healthcheck for the web service: GET /healthz on the local gunicorn.

Sends a Host header taken from ALLOWED_HOSTS so the check passes whatever public name the
deployment uses (a request for 127.0.0.1 would be refused with 400 when that name is not
listed). Exit 0 when healthy, 1 otherwise. Standard library only.
"""

from __future__ import annotations

import http.client
import os
import sys


def _host() -> str:
    for raw in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = raw.strip()
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


def main() -> int:
    conn = http.client.HTTPConnection("127.0.0.1", 8000, timeout=8)
    try:
        conn.request("GET", "/healthz", headers={"Host": _host()})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"healthcheck: /healthz answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
