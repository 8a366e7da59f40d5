"""Certificates: codes, Open Badges 3.0 credentials, proofs, status lists and PDF documents.

This package holds the parts of the certificates feature that stand alone:
pure functions over :class:`~academy.plugins.certificates.claims.CertificateClaims`
and ``cryptography`` Ed25519 keys.  Issuing, models, pages and the CLI are
wired on top of them.
"""
