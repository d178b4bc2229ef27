"""Exit 0 when the URL answers with any HTTP response (the server is up), 1 otherwise."""

import sys
import urllib.error
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass  # an error page still means the server answered
except OSError:
    sys.exit(1)
