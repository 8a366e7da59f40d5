"""JSON-LD without the network: a fixed set of contexts and RDFC-1.0 canonicalisation.

Verifying a credential must never fetch anything: the contexts a document
names are answered from files in ``contexts/`` beside this module, and any
other URL is refused.  Those files are our own: each defines exactly the terms
our credentials, status lists and issuer profile use (plus the few the
Open Badges test vectors use), mapped to the same IRIs as the published W3C and
1EdTech contexts, so documents canonicalise to the same N-Quads as with the
official files (a test proves it).  A term they do not define makes
canonicalisation fail instead of being silently dropped ("safe mode"), so an
unsigned claim can never hide beside signed ones.

Canonicalisation is RDFC-1.0 (URDNA2015) as implemented by PyLD.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CID_V1 = "https://www.w3.org/ns/cid/v1"

#: Context URL -> file name in ``contexts/``.
CONTEXT_FILES: Mapping[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OB_V3P0: "ob-v3p0-3.0.3.jsonld",
    OB_V3P0_EXTENSIONS: "ob-v3p0-extensions.jsonld",
    CID_V1: "cid-v1.jsonld",
}


class CanonicalisationError(ValueError):
    """A document cannot be canonicalised safely (unknown context, undefined term, …)."""


class _BoundedCache(dict[str, Any]):
    """A dict that forgets its oldest entries past ``size``.

    Documents may carry inline contexts, each cached by PyLD: the bound keeps
    hostile input from growing the cache without end.
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)
            while len(self) > self.size:
                del self[next(iter(self))]


class OfflineLoader:
    """A PyLD document loader that answers only the contexts it was given.

    Each loader keeps its own cache of processed contexts, so two loaders with
    different documents for the same URL never mix (PyLD's global cache is not
    used).
    """

    def __init__(self, documents: Mapping[str, str]) -> None:
        self._documents = dict(documents)  # URL -> JSON text
        self._cache = _BoundedCache(64)

    @classmethod
    def from_package(cls) -> OfflineLoader:
        folder = resources.files(__package__).joinpath("contexts")
        return cls(
            {url: folder.joinpath(name).read_text("utf-8") for url, name in CONTEXT_FILES.items()}
        )

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        text = self._documents.get(url)
        if text is None:
            raise jsonld.JsonLdError(
                f"context {url!r} is not available offline",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        # A fresh copy each time: PyLD may rewrite relative URLs in place.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(text),
            "tag": "static",
        }

    def resolver(self) -> ContextResolver:
        return ContextResolver(self._cache, self)


@cache
def default_loader() -> OfflineLoader:
    """The loader with our packaged contexts (read once per process)."""
    return OfflineLoader.from_package()


def _refuse_dropped(term: str | None) -> None:
    raise CanonicalisationError(f"the term {term!r} is not defined by the document's contexts")


def _safe_processor() -> jsonld.JsonLdProcessor:
    """A PyLD processor that raises on every property it would otherwise drop."""
    try:
        return jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    except TypeError as exc:  # PyLD before 3.x has no hook for dropped properties
        raise RuntimeError("PyLD >= 3.3 is needed to refuse undefined terms") from exc


def _options(loader: OfflineLoader) -> dict[str, Any]:
    return {"documentLoader": loader, "contextResolver": loader.resolver(), "base": None}


def _check_iris(node: Any) -> None:
    """Refuse types and ids that stayed relative (an undefined type name, a bare word)."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item)
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type", [])
    for value in [node["@id"]] if "@id" in node else []:
        if not (value.startswith("_:") or ":" in value):
            raise CanonicalisationError(f"{value!r} is not an absolute IRI")
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str) and ":" not in value and not value.startswith("@"):
            raise CanonicalisationError(f"the type {value!r} is not defined by the contexts")
    for key, value in node.items():
        if key not in {"@id", "@type", "@value"}:
            _check_iris(value)


def expand(document: Mapping[str, Any], loader: OfflineLoader | None = None) -> list[Any]:
    """The expanded form of a document, refusing undefined terms and relative IRIs."""
    loader = loader or default_loader()
    try:
        expanded = _safe_processor().expand(dict(document), _options(loader))
    except jsonld.JsonLdError as exc:
        raise CanonicalisationError(_reason(exc)) from exc
    _check_iris(expanded)
    return expanded


def canonicalize(document: Mapping[str, Any], loader: OfflineLoader | None = None) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document."""
    loader = loader or default_loader()
    expanded = expand(document, loader)
    options = _options(loader) | {"algorithm": "URDNA2015", "format": "application/n-quads"}
    try:
        return str(jsonld.JsonLdProcessor().normalize(expanded, options))
    except jsonld.JsonLdError as exc:
        raise CanonicalisationError(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    """The innermost useful message of a PyLD error chain."""
    while exc.__cause__ is not None:
        if isinstance(exc.__cause__, CanonicalisationError):
            return str(exc.__cause__)
        exc = exc.__cause__
    return str(getattr(exc, "message", None) or exc).splitlines()[0]
