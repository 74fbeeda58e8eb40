"""Writes an MSAL token cache with MSAL Python itself, as the Azure CLI does after a sign-in.

stdin: a JSON list of token events, each {client_id, token_endpoint, environment, scope, response}
(the token endpoint's answer, with client_info). stdout: the cache as msal_token_cache.json holds it.
"""
import json
import sys

import msal

cache = msal.SerializableTokenCache()
for event in json.load(sys.stdin):
    cache.add(event)
sys.stdout.write(cache.serialize())
