"""A program built on Debian's python3-azure that finds its credential by running `az`
(AzureCliCredential). Usage: azure_cli_credential_python.py <scope> [<scope>...]
One get_token per scope, in turn; prints one JSON line {"tokens": [...], "errors": [...],
"expires_on": [...]}."""
import json
import sys

from azure.identity import AzureCliCredential

credential = AzureCliCredential()
tokens, errors, expires = [], [], []
for scope in sys.argv[1:]:
    try:
        token = credential.get_token(scope)
        tokens.append(token.token)
        expires.append(token.expires_on)
    except Exception as err:  # the test reads what the user would see
        errors.append("%s: %s" % (type(err).__name__, err))
print(json.dumps({"tokens": tokens, "errors": errors, "expires_on": expires}))
