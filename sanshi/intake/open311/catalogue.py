"""Open311 services: one per taxonomy subcategory, with their attributes."""

from __future__ import annotations

from dataclasses import dataclass, field

from sanshi.concerns.taxonomy import Subcategory, taxonomy

# Whole categories whose requests never appear in public output, whatever their flags say.
PRIVATE_CATEGORIES = ("safety",)
YES_NO = (("true", "是 yes"), ("false", "否 no"))


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    datatype: str = "singlevaluelist"
    required: bool = False
    values: tuple[tuple[str, str], ...] = YES_NO
    datatype_description: str = ""
    variable: bool = True


@dataclass(frozen=True)
class Service:
    sub: Subcategory
    group: str
    attributes: tuple[Attribute, ...] = field(default=())

    @property
    def code(self) -> str:
        return self.sub.code

    @property
    def private(self) -> bool:
        """Its requests never appear in public output (protected, or about personal safety)."""
        return self.sub.urgent or self.sub.category in PRIVATE_CATEGORIES

    @property
    def type(self) -> str:
        # A request that will never be public answers a token rather than a public id.
        return "batch" if self.private else "realtime"


MINOR = Attribute(
    code="minor_under_14",
    description="当事人是否未满14周岁 / Is the person concerned under 14?",
    required=True,
)
GUARDIAN = Attribute(
    code="guardian_consent",
    description="未满14周岁时，监护人是否同意提交 / Has the guardian consented (under 14)?",
)
REPORTER = Attribute(
    code="reporter_relation",
    description=(
        "反映人是谁：当事人本人、孩子的监护人，或邻居、老师、亲属等知情人（知情人反映孩子受到伤害，"
        "无需监护人同意） / Who reports: the person concerned, the child's guardian, or a third "
        "party such as a neighbour, teacher or relative (a third party's report of harm to a "
        "child needs no guardian's consent)"
    ),
    values=(
        ("self", "当事人本人 the person concerned"),
        ("guardian", "孩子的监护人 the child's guardian"),
        ("third_party", "知情人 a third party"),
    ),
)
PUBLISH = Attribute(
    code="publish_consent",
    description="是否同意公开描述（不含个人信息） / May the description be published?",
)

# Children's services must ask about age; low-sensitivity services may publish their text.
CHILD_ATTRIBUTES = (MINOR, GUARDIAN, REPORTER)
PUBLISHABLE_CATEGORIES = frozenset({"community", "feedback"})


def _attributes(sub: Subcategory) -> tuple[Attribute, ...]:
    if sub.category == "children":
        return CHILD_ATTRIBUTES
    if sub.category in PUBLISHABLE_CATEGORIES:
        return (PUBLISH,)
    return ()


def services() -> list[Service]:
    """Every service, in taxonomy order."""
    return [
        Service(sub=sub, group=cat.name, attributes=_attributes(sub))
        for cat in taxonomy().categories
        for sub in cat.subcategories
    ]


def service(code: str) -> Service | None:
    return next((s for s in services() if s.code == code), None)
