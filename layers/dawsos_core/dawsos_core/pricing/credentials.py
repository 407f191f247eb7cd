"""Provider API keys: from the environment locally, from Secrets Manager in AWS.

A key set directly wins; otherwise the secret named by its ARN is read through Powertools
parameters (cached for five minutes). Keys never appear in messages or logs.
"""

from __future__ import annotations

from pydantic import SecretStr


def provider_key(value: SecretStr | None, secret_arn: str | None) -> str | None:
    if value is not None and value.get_secret_value():
        return value.get_secret_value()
    if secret_arn:
        from aws_lambda_powertools.utilities import parameters  # boto3: only on this path

        secret = parameters.get_secret(secret_arn, max_age=300)
        return secret if isinstance(secret, str) else None
    return None
