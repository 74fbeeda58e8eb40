"""A program built on Debian's python3-azure, run with nothing but IDENTITY_ENDPOINT and
IDENTITY_HEADER set. Usage: azure_identity_python.py <scope> [count] [client id]
Makes `count` get_token calls (each on its own credential, from threads at once) and prints one
JSON line: {"tokens": [...], "errors": [...], "ms": [...]}."""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from azure.identity import ManagedIdentityCredential

scope = sys.argv[1] if len(sys.argv) > 1 else "https://management.azure.com/.default"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
client_id = sys.argv[3] if len(sys.argv) > 3 else None


def one(_):
    started = time.perf_counter()
    try:
        credential = ManagedIdentityCredential(client_id=client_id) if client_id else ManagedIdentityCredential()
        return {"token": credential.get_token(scope).token, "ms": (time.perf_counter() - started) * 1000}
    except Exception as err:  # the test reads what the user would see
        return {"error": "%s: %s" % (type(err).__name__, err)}


with ThreadPoolExecutor(max_workers=min(count, 32)) as pool:
    results = list(pool.map(one, range(count)))
print(json.dumps({
    "tokens": [r["token"] for r in results if "token" in r],
    "errors": [r["error"] for r in results if "error" in r],
    "ms": [r["ms"] for r in results if "ms" in r],
}))
