"""Container health check: ask the portal's /healthz/ as the proxy would; exit 1 unless 200.

Sends the first of ALLOWED_HOSTS as Host and X-Forwarded-Proto: https, so neither the host
check nor the HTTPS redirect stands in the way. Only the standard library: it runs often.
"""

import os
import sys
import urllib.request


def main(url: str = "http://127.0.0.1:8000/healthz/") -> int:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) URL only
    try:
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310 - fixed URL
            return 0 if response.status == 200 else 1
    except OSError as exc:  # URLError and HTTPError (503) are OSErrors
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
