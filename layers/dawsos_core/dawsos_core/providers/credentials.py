"""Provider API keys: from the environment locally, from Secrets Manager in AWS.

A key set directly wins; otherwise the secret named by its ARN is read through Powertools
parameters (cached for five minutes). Keys never appear in messages or logs.
"""

from __future__ import annotations

from pydantic import SecretStr

from dawsos_core.errors import ServiceUnavailable


def provider_key(value: SecretStr | None, secret_arn: str | None) -> str | None:
    if value is not None and value.get_secret_value():
        return value.get_secret_value()
    if secret_arn:
        from aws_lambda_powertools.utilities import parameters  # boto3: only on this path

        try:
            secret = parameters.get_secret(secret_arn, max_age=300)
        except parameters.exceptions.GetParameterError as exc:
            raise ServiceUnavailable(
                "a secret this request needs cannot be read from Secrets Manager"
            ) from exc
        return secret if isinstance(secret, str) else None
    return None


def forget_secret_clients() -> None:
    """Drop Powertools' cached providers (their boto3 clients keep the endpoint and
    credentials they were made with) and values: for tests, and after a SnapStart restore."""
    import sys

    if "aws_lambda_powertools.utilities.parameters" in sys.modules:  # never import boto3 here
        from aws_lambda_powertools.utilities import parameters

        parameters.clear_caches()  # type: ignore[no-untyped-call]
