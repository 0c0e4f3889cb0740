"""Address routing: free Chinese text to division codes, a community, and the responsible org.

The gazetteer is the official divisions (province to township) plus the org tree's own
communities and villages, each under several names: the official one, the name without its
suffix (合浦 for 合浦县, 廉州 for 廉州镇, 融水 for 融水苗族自治县), shipped old names, and the
aliases admins add (`PlaceAlias`). A text is scanned once for every known name; each mention
votes for the places it may mean and their ancestors, and the deepest place that agrees with
the most mentions wins. When places tie at the deepest level, the route stops at their lowest
common ancestor and says it is ambiguous, for the dispatcher to settle.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db.models import Count, Max

from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Division, Org
from sanshi.triage.models import PlaceAlias
from sanshi.triage.text import normalise

OLD_NAMES_FILE = Path(__file__).with_name("old_names.yaml")
LEVELS = ("province", "city", "county", "township", "community")
COMMUNITY = 5  # the level number of a community or village org in the gazetteer
# Places in the deployment's home division win a tie with namesakes elsewhere in China.
HOME_BONUS = 0.5
_STREET_AFTER = re.compile(r"路|巷|弄|号|桥|大道|大街|街(?!上)")

_ETHNIC = (
    r"(?:壮|瑶|苗|侗|仫佬|毛南|回|京|彝|水|仡佬|各|土家|蒙古|藏|维吾尔|哈萨克|朝鲜|满|黎|畲|白|傣|哈尼|"
    r"纳西|羌|土|布依|拉祜|佤|傈僳|景颇|达斡尔|鄂温克|鄂伦春|撒拉|东乡|保安|裕固|锡伯|普米|怒|独龙|"
    r"基诺|门巴|珞巴|塔吉克|柯尔克孜|德昂|布朗|阿昌|赫哲)族"
)
_PROVINCE_SUFFIX = re.compile(rf"(?:{_ETHNIC})*(自治区|特别行政区|省|市)$")
_CITY_SUFFIX = re.compile(rf"(?:{_ETHNIC})*(自治州|地区|盟|市)$")
_COUNTY_SUFFIX = re.compile(rf"(?:{_ETHNIC})*(自治县|自治旗|县|区|市|旗|林区|特区)$")
_TOWNSHIP_SUFFIX = re.compile(rf"(?:{_ETHNIC})*(民族乡|街道办事处|街道|镇|乡|苏木)$")
_COMMUNITY_SUFFIX = re.compile(r"(社区居委会|居委会|村委会|社区|村|居)$")
_ORG_SUFFIX = re.compile(r"(妇女联合会|妇联)$")


@dataclass(frozen=True)
class Place:
    code: str  # a division code, or "org:<id>" for a community org
    name: str
    level: int  # 1 province ... 4 township, 5 community
    chain: tuple[str, ...]  # codes from the province down to this place itself


@dataclass(frozen=True)
class RouteResult:
    province: dict[str, str] | None
    city: dict[str, str] | None
    county: dict[str, str] | None
    township: dict[str, str] | None
    community: dict[str, str] | None
    org_id: int | None
    org_name: str
    ambiguous: bool
    division_code: str = ""  # the deepest division reached, "" when none
    community_org_id: int | None = None
    mentions: tuple[tuple[str, int, int], ...] = field(default=())  # (phrase, start, end)

    @property
    def level(self) -> str:
        """The deepest level reached: "community", ..., "province", or "" when none."""
        for name in reversed(LEVELS):
            if getattr(self, name) is not None:
                return name
        return ""

    def as_dict(self) -> dict[str, Any]:
        org = {"id": self.org_id, "name": self.org_name} if self.org_id is not None else None
        return {
            **{name: getattr(self, name) for name in LEVELS},
            "org": org,
            "ambiguous": self.ambiguous,
        }


def short_names(name: str, level: int) -> set[str]:
    """The forms people write a place's name in, beside the official one."""
    pattern = {1: _PROVINCE_SUFFIX, 2: _CITY_SUFFIX, 3: _COUNTY_SUFFIX, 4: _TOWNSHIP_SUFFIX}.get(
        level, _COMMUNITY_SUFFIX
    )
    forms = {name}
    stem = pattern.sub("", name)
    if len(stem) >= 2 and stem != name:
        forms.add(stem)
    if name.endswith("街道"):
        forms |= {name + "办事处", name + "办"}
    if level == COMMUNITY and name.endswith("社区"):
        forms.add(stem + "居委会")
    if level == COMMUNITY and name.endswith("村"):
        forms.add(stem + "村委会")
    return forms


class Gazetteer:
    """Names to places, and the org responsible for each place."""

    def __init__(
        self,
        divisions: Iterable[tuple[str, str, int, str | None]],
        orgs: Iterable[tuple[int, str, str, int | None, str, int]],
        aliases: Iterable[tuple[str, str]] = (),
        home: str = "",
    ) -> None:
        self.home = home  # a division code prefix ("45" for Guangxi) that wins ties
        self.places: dict[str, Place] = {}
        # name -> {code: weight}: an official name weighs 2, a short form or alias 1.
        self.names: dict[str, dict[str, int]] = defaultdict(dict)
        self.org_for_code: dict[str, tuple[int, str]] = {}
        self.org_names: dict[int, str] = {}
        self.org_codes: dict[int, str] = {}
        self._add_divisions(list(divisions))
        self._add_orgs(list(orgs))
        for alias, code in aliases:
            if code in self.places and len(alias) >= 2:
                self._name(alias, code, official=True)
        # The lengths of the names starting with each two characters, longest first: most
        # pairs of characters start no name, and the others only names of a few lengths.
        lengths: dict[str, set[int]] = defaultdict(set)
        for name in self.names:
            if len(name) >= 2:
                lengths[name[:2]].add(len(name))
        self.lengths = {pair: tuple(sorted(ls, reverse=True)) for pair, ls in lengths.items()}

    def _add_divisions(self, rows: list[tuple[str, str, int, str | None]]) -> None:
        parent = {code: p for code, _name, _level, p in rows}

        def chain(code: str) -> tuple[str, ...]:
            codes = []
            current: str | None = code
            while current is not None and current in parent:
                codes.append(current)
                current = parent[current]
            return tuple(reversed(codes))

        for code, name, level, _p in rows:
            self.places[code] = Place(code, name, level, chain(code))
            for form in short_names(name, level):
                self._name(form, code, official=form == name)

    def _add_orgs(self, rows: list[tuple[int, str, str, int | None, str, int]]) -> None:
        by_id = {row[0]: row for row in rows}
        self.org_names = {row[0]: row[1] for row in rows}
        self.org_codes = {row[0]: row[4] for row in rows}
        for org_id, name, level, _parent, code, _depth in sorted(rows, key=lambda r: r[5]):
            if level != Org.Level.DOMAIN and code:
                self.org_for_code[code] = (org_id, name)  # deeper orgs sorted last win
        for org_id, name, level, parent_id, code, _depth in rows:
            if level != Org.Level.COMMUNITY:
                continue
            township = self._township_of(code, parent_id, by_id)
            if township is None:
                continue
            place_code = f"org:{org_id}"
            plain = _ORG_SUFFIX.sub("", name)
            self.places[place_code] = Place(
                place_code, plain, COMMUNITY, (*self.places[township].chain, place_code)
            )
            for form in short_names(plain, COMMUNITY):
                self._name(form, place_code, official=form == plain)

    def _name(self, form: str, code: str, *, official: bool) -> None:
        weights = self.names[normalise(form)]
        weights[code] = max(weights.get(code, 0), 2 if official else 1)

    def _township_of(
        self,
        code: str,
        parent_id: int | None,
        by_id: dict[int, tuple[int, str, str, int | None, str, int]],
    ) -> str | None:
        """The division a community lies in: its own code's township, else its parent's code."""
        if len(code) == 12 and code[:9] in self.places:
            return code[:9]
        while parent_id is not None:
            row = by_id.get(parent_id)
            if row is None:
                return None
            if row[4] in self.places:
                return row[4]
            parent_id = row[3]
        return None

    # ------------------------------------------------------------ matching

    def mentions(self, text: str) -> list[tuple[int, int, dict[str, int]]]:
        """Known names in the text, longest first, never overlapping: (start, end, {code: weight}).

        A short form followed by 路, 街, 巷... is a street named after a place, not the place.
        """
        found: list[tuple[int, int, dict[str, int]]] = []
        n, names, index = len(text), self.names, self.lengths
        for i in range(n - 1):
            lengths = index.get(text[i : i + 2])
            if lengths is None:
                continue
            merged: dict[str, int] = {}
            end = 0
            # Every name starting here (石家镇 and 石家 for 石家乡), spanning the longest one.
            for length in lengths:
                codes = names.get(text[i : i + length]) if length <= n - i else None
                if codes and _STREET_AFTER.match(text, i + length):
                    codes = {c: w for c, w in codes.items() if w > 1}
                if not codes:
                    continue
                end = end or i + length  # the first name found is the longest
                for code, weight in codes.items():
                    if weight > merged.get(code, 0):
                        merged[code] = weight
            if merged:
                found.append((i, end, merged))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        kept: list[tuple[int, int, dict[str, int]]] = []
        for m in found:
            if all(m[1] <= k[0] or m[0] >= k[1] for k in kept):
                kept.append(m)
        kept.sort()
        return kept

    def route(self, address: str) -> RouteResult:
        normal = normalise(address)
        text = normal.replace(" ", "")
        # normalise keeps length, and removing spaces shifts offsets: map them back.
        index = [i for i, ch in enumerate(normal) if ch != " "]
        found = self.mentions(text)
        best = self._resolve([codes for _s, _e, codes in found])
        spans = tuple(
            (address[index[s] : index[e - 1] + 1], index[s], index[e - 1] + 1) for s, e, _c in found
        )
        return self._result(best, spans)

    def deeper_by_text(self, route: RouteResult | None, text: str) -> RouteResult | None:
        """The route taken deeper by a place the concern's text names by its full official name
        ("我是北部湾社区的居民"), when the address said less or nothing. The text's place must lie
        within what the address found (an address names the place; a text may name others),
        and one place only: a text naming two namesakes changes nothing."""
        if route is not None and route.community_org_id is not None:
            return route
        normal = normalise(text or "")
        found = [
            (s, e, {c: w for c, w in codes.items() if w > 1})
            for s, e, codes in self.mentions(normal)
        ]
        found = [(s, e, codes) for s, e, codes in found if codes]
        if not found:
            return route
        chain, ambiguous = self._resolve([codes for _s, _e, codes in found])
        known = self._chain_of(route)
        if ambiguous or len(chain) <= len(known) or chain[: len(known)] != known:
            return route
        return self._result((chain, False), tuple((text[s:e], s, e) for s, e, _c in found))

    def _chain_of(self, route: RouteResult | None) -> tuple[str, ...]:
        if route is None:
            return ()
        if route.community_org_id is not None:
            return self.places[f"org:{route.community_org_id}"].chain
        place = self.places.get(route.division_code)
        return place.chain if place is not None else ()

    def _resolve(self, mentions: Sequence[dict[str, int]]) -> tuple[tuple[str, ...], bool]:
        """The chain of the best supported place, and whether the deepest level was a tie."""
        if not mentions:
            return (), False
        candidates = {code for codes in mentions for code in codes}
        # A place supported at least as well as its ancestor, and deeper, wins over it: an
        # ancestor of another candidate can never be the answer (nor change a tie's result).
        candidates -= {a for c in candidates for a in self.places[c].chain[:-1]}
        support = self._support(candidates, mentions)
        top = max(support[c] for c in candidates)
        best = [c for c in candidates if support[c] == top]
        deepest = max(self.places[c].level for c in best)
        best = sorted(c for c in best if self.places[c].level == deepest)
        if len(best) == 1:
            return self.places[best[0]].chain, False
        chains = [self.places[c].chain for c in best]
        common = []
        for codes in zip(*chains, strict=False):
            if len(set(codes)) > 1:
                break
            common.append(codes[0])
        return tuple(common), True

    def _support(
        self, candidates: set[str], mentions: Sequence[dict[str, int]]
    ) -> dict[str, float]:
        """Per candidate, the weights of the mentions naming it or one of its ancestors.

        A mention counts once, by its heaviest name in the candidate's chain (official names
        weigh double); places in the home division get a bonus. Plain loops: this runs for
        every candidate of every address.
        """
        places, home = self.places, self.home
        support: dict[str, float] = {}
        for c in candidates:
            chain = places[c].chain
            total = HOME_BONUS if home and c.startswith(home) else 0.0
            for codes in mentions:
                best = 0
                for a in chain:
                    w = codes.get(a, 0)
                    if w > best:
                        best = w
                total += best
            support[c] = total
        return support

    def _result(
        self, resolved: tuple[tuple[str, ...], bool], spans: tuple[tuple[str, int, int], ...]
    ) -> RouteResult:
        chain, ambiguous = resolved
        by_level: dict[int, dict[str, str]] = {}
        community_org: int | None = None
        for code in chain:
            place = self.places[code]
            if place.level == COMMUNITY:
                community_org = int(code.removeprefix("org:"))
                by_level[COMMUNITY] = {
                    "code": self._community_code(community_org),
                    "name": place.name,
                }
            else:
                by_level[place.level] = {"code": code, "name": place.name}
        divisions = [c for c in chain if not c.startswith("org:")]
        org = self._responsible(community_org, divisions)
        return RouteResult(
            province=by_level.get(1),
            city=by_level.get(2),
            county=by_level.get(3),
            township=by_level.get(4),
            community=by_level.get(COMMUNITY),
            org_id=org[0] if org else None,
            org_name=org[1] if org else "",
            ambiguous=ambiguous,
            division_code=divisions[-1] if divisions else "",
            community_org_id=community_org,
            mentions=spans,
        )

    def _community_code(self, org_id: int) -> str:
        return self.org_codes.get(org_id, "")

    def _responsible(
        self, community_org: int | None, divisions: list[str]
    ) -> tuple[int, str] | None:
        if community_org is not None:
            place = self.places[f"org:{community_org}"]
            return community_org, self.org_names.get(community_org, place.name)
        for code in reversed(divisions):
            if code in self.org_for_code:
                return self.org_for_code[code]
        return None


# ---------------------------------------------------------------- loading from the database


def _old_names() -> list[tuple[str, str]]:
    raw = yaml.safe_load(OLD_NAMES_FILE.read_text(encoding="utf-8")) or {}
    return [(alias, str(code)) for alias, code in raw.get("aliases", {}).items()]


def _signature() -> tuple[Any, ...]:
    """Changes whenever divisions, orgs or aliases change (cheap aggregate queries)."""
    d = Division.objects.aggregate(n=Count("code"), m=Max("code"))
    o = Org.objects.aggregate(n=Count("id"), m=Max("id"), t=Max("created_at"), p=Max("path"))
    a = PlaceAlias.objects.aggregate(n=Count("id"), m=Max("id"), t=Max("created_at"))
    return (d["n"], d["m"], o["n"], o["m"], o["t"], o["p"], a["n"], a["m"], a["t"])


def build_gazetteer() -> Gazetteer:
    divisions = Division.objects.values_list("code", "name", "level", "parent_id")
    orgs = list(
        Org.objects.values_list("id", "name", "level", "parent_id", "division_code", "depth")
    )
    aliases = [
        (alias, f"org:{org_id}" if org_id else str(division_id))
        for alias, division_id, org_id in PlaceAlias.objects.values_list(
            "alias", "division_id", "org_id"
        )
    ]
    home = str(getattr(settings, "TRIAGE_HOME_DIVISION", "")).rstrip("0")
    return Gazetteer(divisions, orgs, [*_old_names(), *aliases], home=home)


# Whether divisions, orgs or aliases changed (three aggregate queries) is asked at most every
# REFERENCE_DATA_SECONDS per process, and at once after one is saved here (sanshi.core.refcache).
_signatures = ReferenceCache("gazetteer-signature", Division, Org, PlaceAlias)
_lock = threading.Lock()
_built: dict[str, Any] = {}


def gazetteer() -> Gazetteer:
    """The gazetteer for the current data, rebuilt when divisions, orgs or aliases change."""
    signature = _signatures.get("current", _signature)
    with _lock:
        if _built.get("signature") != signature or "gazetteer" not in _built:
            _built["gazetteer"] = build_gazetteer()
            _built["signature"] = signature
        gaz: Gazetteer = _built["gazetteer"]
    return gaz


def route_address(address: str) -> RouteResult:
    """Route one free-text address (see the module docstring)."""
    return gazetteer().route(address)


def route_with_text(route: RouteResult | None, text: str) -> RouteResult | None:
    """An address's route (None: no address), taken deeper by a place the text names."""
    return gazetteer().deeper_by_text(route, text)
