"""HTTP boundary shared by the Lambda handlers: routers, caller identity, error mapping.

Only this package knows about Powertools' resolver; services below it raise domain errors.
"""
