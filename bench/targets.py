"""What one created concern or ticket looks like on the wire, for each target."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bench.load import Request

TEXTS = (
    "孩子放学后没人照看，想问问社区有没有儿童之家可以托管",
    "婆婆和我因为彩礼的事一直吵，想找人调解一下",
    "公司以怀孕为由要辞退我，想咨询怎么维权",
    "老人一个人在家，腿脚不便，想申请上门照护服务",
    "离婚后前夫一直不给抚养费，该怎么办",
    "想参加妇联的创业培训，请问怎么报名",
    "楼下邻居每晚吵架摔东西，担心孩子受影响",
    "丈夫喝酒后经常骂人，我想了解一下告诫书",
)
ADDRESSES = ("广西北海市海城区东街街道北部湾社区", "北海市海城区侨中社区", "")
SERVICES = ("family.divorce", "family.custody", "family.relations", "family.conflict")


def request_maker(spec: dict[str, Any]) -> Callable[[int], Request]:
    kind, tag = spec["target"], spec["tag"]
    if kind == "sanshi-api":
        headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}

        def api(i: int) -> Request:
            body = {
                "text": f"{TEXTS[i % len(TEXTS)]}（{tag}-{i}）",
                "address": ADDRESSES[i % len(ADDRESSES)],
                "reporter_phone": "13800000000",
            }
            return (
                "POST",
                "/api/v1/concerns",
                json.dumps(body).encode(),
                {**headers, "Idempotency-Key": f"{tag}-{i}"},
            )

        return api
    if kind == "sanshi-open311":

        def open311(i: int) -> Request:
            form = {
                "api_key": spec["token"],
                "service_code": SERVICES[i % len(SERVICES)],
                "description": f"{TEXTS[i % len(TEXTS)]}（{tag}-{i}）",
                "address_string": ADDRESSES[i % 2],
                "phone": "13800000000",
            }
            return (
                "POST",
                "/open311/v2/requests.json",
                urlencode(form).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )

        return open311
    if kind == "helpdesk":
        headers = {"Authorization": f"Token {spec['token']}", "Content-Type": "application/json"}

        def ticket(i: int) -> Request:
            body = {
                "queue": spec["queue"],
                "title": f"{tag}-{i}",
                "description": f"{TEXTS[i % len(TEXTS)]}（{tag}-{i}）",
                "submitter_email": "resident@example.org",
                "priority": 3,
            }
            return ("POST", "/api/tickets/", json.dumps(body).encode(), headers)

        return ticket
    raise ValueError(f"unknown target {kind!r}")
