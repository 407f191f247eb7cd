"""Exports: a stored execution rendered to a file, watermarked and put in S3."""
