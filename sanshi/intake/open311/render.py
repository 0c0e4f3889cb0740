"""Open311 output: JSON as the XML without its root, W3C dates, the errors list."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# How a list is wrapped in XML: the plural element holds singular children.
SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Item = Mapping[str, Any]


def w3c(moment: dt.datetime | None) -> str | None:
    """2026-11-28T08:15:30+08:00: local time, the offset, no fractions."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        _fill(child, value)
    elif isinstance(value, list | tuple):
        singular = SINGULAR.get(name, "item")
        for entry in value:
            _element(child, singular, entry)
    else:
        child.text = _text(value)


def _fill(element: ET.Element, item: Item) -> None:
    for name, value in item.items():
        _element(element, name, value)


def to_xml(root: str, body: Item | Sequence[Item]) -> str:
    """The XML document: a root element for a list (plural) or for one object."""
    element = ET.Element(root)
    if isinstance(body, Mapping):
        _fill(element, body)
    else:
        for item in body:
            _element(element, SINGULAR[root], item)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def respond(fmt: str, root: str, body: Item | Sequence[Item], status: int = 200) -> HttpResponse:
    """Answer in the format the path asked for."""
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(text, content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, body), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, problems: Sequence[tuple[int, str]]) -> HttpResponse:
    """The spec's errors list; several problems may be reported at once."""
    body = [{"code": code, "description": description} for code, description in problems]
    return respond(fmt, "errors", body, status=status)
