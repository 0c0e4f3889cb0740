"""The concern (诉求), its handlers, its timeline, and the rules for its deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.core.fields import EncryptedJSONField, EncryptedTextField
from sanshi.orgs.models import Division, Org, Person


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    RETURNED = "returned", _("已退单")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重办")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并案")


class Channel(models.TextChoices):
    WEB = "web", _("网上")
    PHONE = "phone", _("电话")
    WALK_IN = "walk_in", _("来访")
    MEMBER_CARD = "member_card", _("执委亮牌码")
    OPEN311 = "open311", _("Open311")
    VISIT = "visit", _("走访")
    API = "api", _("接口")


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("紧急（危险）")
    HIGH = "high", _("加急")
    NORMAL = "normal", _("一般")
    LOW = "low", _("低")


class Sanshi(models.TextChoices):
    JIUXIN = "jiuxin", _("揪心事")
    FANXIN = "fanxin", _("烦心事")
    CAOXIN = "caoxin", _("操心事")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("入户走访")
    ONLINE = "online", _("线上")
    IN_PERSON = "in_person", _("当面（来访）")


class ReferralBody(models.TextChoices):
    POLICE = "police", _("公安")
    COURT = "court", _("法院")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    LEGAL_AID = "legal_aid", _("法律援助")
    HOSPITAL = "hospital", _("医院")
    SCHOOL = "school", _("学校")
    HOTLINE_12345 = "12345", "12345"
    OTHER = "other", _("其他")


# The outside body's own reference for a referral (its case or receipt number).
REFERRAL_REFERENCE_MAX = 64


class DangerCheck(models.TextChoices):
    """A person's check of a concern triage was unsure of (issue 19): only a person settles it."""

    NONE = "", _("无需核查")
    PENDING = "pending", _("待核查危险")
    CONFIRMED = "confirmed", _("已确认危险")
    CLEARED = "cleared", _("已排除危险")


def must_be_protected(*, urgency: str, minor_under_14: bool) -> bool:
    """The one rule: a concern in danger (critical, by any detector or by a person) or about a
    child under 14 is protected from that moment. Only a person lifts it, with a reason
    (`unprotect_concern`), and never while it is critical."""
    return urgency == Urgency.CRITICAL or minor_under_14


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("同意")
    STATUTORY_DUTY = "statutory_duty", _("法定职责")
    EMERGENCY = "emergency", _("紧急情况下保护生命健康")


class Concern(models.Model):
    """A resident's concern and where it stands."""

    # unique: Meta.constraints
    tracking_code = models.CharField(max_length=12, verbose_name=_("查询码"))
    channel = models.CharField(max_length=16, choices=Channel.choices, verbose_name=_("渠道"))
    # Sealed at rest. search_text holds the same words in clear only while the concern is not
    # protected, so staff can search ordinary concerns; a protected one is findable by code.
    text = EncryptedTextField(verbose_name=_("诉求内容"))
    search_text = models.TextField(blank=True, default="", verbose_name=_("检索文本"))
    # Where
    # No index of its own: (division, received_at) below serves it.
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("行政区划"),
    )
    community = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("社区"),
    )
    address = EncryptedTextField(blank=True, default="", verbose_name=_("地址"))
    # Who (sealed; the phone is searchable through its keyed blind index)
    reporter_name = EncryptedTextField(blank=True, default="", verbose_name=_("反映人姓名"))
    reporter_phone = EncryptedTextField(blank=True, default="", verbose_name=_("反映人电话"))
    # indexed below
    reporter_phone_index = models.CharField(
        max_length=64, blank=True, default="", verbose_name=_("反映人电话索引")
    )
    reporter_id_number = EncryptedTextField(
        blank=True, default="", verbose_name=_("反映人身份证号")
    )
    anonymous = models.BooleanField(default=False, verbose_name=_("匿名"))
    minor_under_14 = models.BooleanField(default=False, verbose_name=_("未满十四周岁"))
    # Set on few concerns: its index (Meta.indexes) holds only those (also merged_into and
    # escalated_to below), so that an intake writes no index entry for them.
    member = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_concerns",
        db_index=False,
        verbose_name=_("执委"),
    )
    # What
    category = models.CharField(max_length=32, blank=True, default="", verbose_name=_("类别"))
    subcategory = models.CharField(max_length=48, blank=True, default="", verbose_name=_("子类别"))
    sanshi = models.CharField(
        max_length=8, choices=Sanshi.choices, default=Sanshi.CAOXIN, verbose_name=_("三事分类")
    )
    urgency = models.CharField(
        max_length=8, choices=Urgency.choices, default=Urgency.NORMAL, verbose_name=_("紧急程度")
    )
    protected = models.BooleanField(default=False, verbose_name=_("受保护"))
    # Triage was unsure whether this is danger: a person checks it within minutes.
    danger_check = models.CharField(
        max_length=10,
        choices=DangerCheck.choices,
        blank=True,
        default=DangerCheck.NONE,
        verbose_name=_("危险评估"),
    )
    # indexed below while pending
    danger_check_due = models.DateTimeField(null=True, blank=True, verbose_name=_("危险评估期限"))
    # What the triage engine said when the concern came in, and which model said it.
    triage = EncryptedJSONField(default=dict, blank=True, verbose_name=_("分诊结果"))
    triage_version = models.CharField(
        max_length=32, blank=True, default="", verbose_name=_("分诊模型版本")
    )
    # Consent and legal basis (PIPL)
    legal_basis = models.CharField(
        max_length=16,
        choices=LegalBasis.choices,
        default=LegalBasis.CONSENT,
        verbose_name=_("处理依据"),
    )
    consent_version = models.CharField(
        max_length=16, blank=True, default="", verbose_name=_("同意书版本")
    )
    guardian_consent = models.BooleanField(default=False, verbose_name=_("监护人同意"))
    # may Open311 show the description?
    publish_consent = models.BooleanField(default=False, verbose_name=_("同意公开"))
    # Which client application sent it (Open311 key or API token name), if any
    source_client = models.CharField(
        max_length=64, blank=True, default="", verbose_name=_("来源接入方")
    )
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("纬度")
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("经度")
    )
    # Who handles it
    # No index of its own: (org, received_at) below serves it.
    org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="concerns",
        db_index=False,
        verbose_name=_("承办组织"),
    )
    dispatching_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("派单组织"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED, verbose_name=_("状态")
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,
        verbose_name=_("并入诉求"),
    )
    escalated_to = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("上报组织"),
    )
    escalated_department = models.CharField(
        max_length=100, blank=True, default="", verbose_name=_("移交部门")
    )
    # When
    received_at = models.DateTimeField(verbose_name=_("受理时间"))
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=_("派单时间"))
    first_dispatched_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("首次派单时间")
    )
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    first_contact_at = models.DateTimeField(null=True, blank=True, verbose_name=_("首次联系时间"))
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("答复时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    sign_due = models.DateTimeField(null=True, blank=True, verbose_name=_("签收期限"))
    contact_due = models.DateTimeField(null=True, blank=True, verbose_name=_("联系期限"))
    resolve_due = models.DateTimeField(null=True, blank=True, verbose_name=_("办结期限"))
    overdue_since = models.DateTimeField(null=True, blank=True, verbose_name=_("超期起始时间"))
    extension_requested_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("申请延期至")
    )
    # Follow-up (回访)
    solved = models.BooleanField(null=True, blank=True, verbose_name=_("已解决"))
    satisfaction = models.CharField(
        max_length=12,
        choices=Satisfaction.choices,
        blank=True,
        default="",
        verbose_name=_("满意度"),
    )
    rating_comment = EncryptedTextField(blank=True, default="", verbose_name=_("评价意见"))
    # The latest answer to the resident, shown to her on the tracking page.
    reply = EncryptedTextField(blank=True, default="", verbose_name=_("答复内容"))
    rated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("评价时间"))
    # Counters, always updated with F()
    return_count = models.PositiveIntegerField(default=0, verbose_name=_("退单次数"))
    reopen_count = models.PositiveIntegerField(default=0, verbose_name=_("重办次数"))
    extension_count = models.PositiveIntegerField(default=0, verbose_name=_("延期次数"))
    updated_at = models.DateTimeField(verbose_name=_("更新时间"))
    anonymised_at = models.DateTimeField(null=True, blank=True, verbose_name=_("匿名化时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "诉求")
        verbose_name_plural = pgettext_lazy("plural", "诉求")
        indexes = [
            models.Index(fields=["status", "org"]),
            models.Index(fields=["org", "received_at"]),
            # Lists page newest first by (received_at, id) from a cursor (sanshi.core.keyset).
            models.Index(fields=["received_at", "id"], name="concern_received_keyset"),
            models.Index(fields=["urgency", "status"]),
            models.Index(fields=["sign_due"]),
            models.Index(fields=["resolve_due"]),
            models.Index(fields=["category", "subcategory"]),
            models.Index(fields=["division", "received_at"]),  # same-event candidates
            models.Index(fields=["reporter_phone_index"], name="concern_phone_index"),
            # Foreign keys set on few concerns: only those rows are in the index.
            models.Index(
                fields=["member"], condition=Q(member__isnull=False), name="concern_member_set"
            ),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="concern_merged_into_set",
            ),
            models.Index(
                fields=["escalated_to"],
                condition=Q(escalated_to__isnull=False),
                name="concern_escalated_to_set",
            ),
            # The check-for-danger list and its deadline: only the few awaiting a person.
            models.Index(
                fields=["danger_check_due"],
                condition=Q(danger_check="pending"),
                name="concern_danger_check_pending",
            ),
        ]
        # Declared here rather than with unique=True / db_index=True on the fields: on
        # PostgreSQL those also build a second, varchar_pattern_ops index for LIKE, and
        # nothing searches these columns by prefix (every intake paid for both).
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="concern_tracking_code_unique")
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.MERGED)


class Assignment(models.Model):
    """A person handling a concern (lead or assisting)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("诉求")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("人员")
    )
    role = models.CharField(
        max_length=8, choices=Role.choices, default=Role.LEAD, verbose_name=_("承办角色")
    )
    active = models.BooleanField(default=True, verbose_name=_("有效"))
    assigned_at = models.DateTimeField(verbose_name=_("分派时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "承办分派")
        verbose_name_plural = pgettext_lazy("plural", "承办分派")
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "person"],
                condition=Q(active=True),
                name="assignment_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.concern}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    DISPATCHED = "dispatched", _("派单")
    ASSIGNED = "assigned", _("指派")
    SIGNED = "signed", _("签收")
    RETURNED = "returned", _("退单")
    CONTACT = "contact", _("联系居民")
    VISIT = "visit", _("入户走访")
    REFERRAL = "referral", _("转介")
    NOTE = "note", _("备注")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    REPLIED = "replied", _("答复")
    FOLLOWED_UP = "followed_up", _("回访")
    REOPENED = "reopened", _("重办")
    CLOSED = "closed", _("办结")
    MERGED = "merged", _("并案")
    ESCALATED = "escalated", _("吹哨")
    ESCALATION_RESPONSE = "escalation_response", _("报到回应")
    RECLASSIFIED = "reclassified", _("更正分类")
    URGENCY_CHANGED = "urgency_changed", _("调整紧急程度")
    REMINDER = "reminder", _("催办")
    OVERDUE = "overdue", _("超期")
    PROTECTED = "protected", _("设为保护")
    UNPROTECTED = "unprotected", _("取消保护")
    DANGER_CHECK = "danger_check", _("待核查危险")
    DANGER_CONFIRMED = "danger_confirmed", _("确认危险")
    DANGER_CLEARED = "danger_cleared", _("排除危险")
    BREAK_GLASS = "break_glass", _("紧急调阅")
    ANONYMISED = "anonymised", _("匿名化")
    LEGAL_STEP = "legal_step", _("法定程序")
    LEGAL_STEP_DONE = "legal_step_done", _("法定程序完成")


class ConcernEvent(models.Model):
    """One row of a concern's timeline; rows are only ever added."""

    # No index of its own: (concern, at) below serves it.
    concern = models.ForeignKey(
        Concern,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
        verbose_name=_("诉求"),
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices, verbose_name=_("事件类型"))
    at = models.DateTimeField(verbose_name=_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # The org acting (who signed, returned, replied) or receiving (dispatch, escalation).
    org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织"),
    )
    from_status = models.CharField(max_length=16, blank=True, default="", verbose_name=_("原状态"))
    to_status = models.CharField(max_length=16, blank=True, default="", verbose_name=_("新状态"))
    note = EncryptedTextField(blank=True, default="", verbose_name=_("说明"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("数据"))

    class Meta:
        verbose_name = pgettext_lazy("model", "诉求事件")
        verbose_name_plural = pgettext_lazy("plural", "诉求事件")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["concern", "at"]),
            models.Index(fields=["kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    DAYS = "days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")


class SlaPolicy(models.Model):
    """Time limits for one urgency tier, for one category or (blank) all categories."""

    urgency = models.CharField(max_length=8, choices=Urgency.choices, verbose_name=_("紧急程度"))
    category = models.CharField(max_length=32, blank=True, default="", verbose_name=_("类别"))
    sign_within = models.PositiveIntegerField(verbose_name=_("签收时限"))
    sign_unit = models.CharField(
        max_length=16, choices=DurationUnit.choices, verbose_name=_("签收时限单位")
    )
    contact_within = models.PositiveIntegerField(verbose_name=_("联系时限"))
    contact_unit = models.CharField(
        max_length=16, choices=DurationUnit.choices, verbose_name=_("联系时限单位")
    )
    resolve_within = models.PositiveIntegerField(verbose_name=_("办结时限"))
    resolve_unit = models.CharField(
        max_length=16, choices=DurationUnit.choices, verbose_name=_("办结时限单位")
    )
    remind_before_minutes = models.PositiveIntegerField(
        default=120, verbose_name=_("提前提醒（分钟）")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "办理时限规则")
        verbose_name_plural = pgettext_lazy("plural", "办理时限规则")
        constraints = [
            models.UniqueConstraint(fields=["urgency", "category"], name="sla_policy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.urgency}/{self.category or '*'}"


class CalendarOverride(models.Model):
    """An admin's word on one date, over the holiday package (e.g. a year it does not know)."""

    date = models.DateField(unique=True, verbose_name=_("日期"))
    is_working_day = models.BooleanField(verbose_name=_("是否工作日"))
    note = models.CharField(max_length=100, blank=True, default="", verbose_name=_("备注"))

    class Meta:
        verbose_name = pgettext_lazy("model", "工作日调整")
        verbose_name_plural = pgettext_lazy("plural", "工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_working_day else '休'}"


class SlaNotice(models.Model):
    """A reminder, overdue mark or escalation already made for one deadline (never twice)."""

    class Stage(models.TextChoices):
        REMINDER = "reminder", _("催办")
        OVERDUE = "overdue", _("超期")
        ESCALATED = "escalated", _("升级")

    # Indexed by sla_notice_once (concern, deadline, stage, due).
    concern = models.ForeignKey(
        Concern,
        on_delete=models.CASCADE,
        related_name="sla_notices",
        db_index=False,
        verbose_name=_("诉求"),
    )
    # sign, contact or resolve
    deadline = models.CharField(max_length=8, verbose_name=_("时限类型"))
    stage = models.CharField(max_length=12, choices=Stage.choices, verbose_name=_("提醒阶段"))
    due = models.DateTimeField(verbose_name=_("期限"))
    at = models.DateTimeField(verbose_name=_("时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "时限提醒")
        verbose_name_plural = pgettext_lazy("plural", "时限提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "deadline", "stage", "due"], name="sla_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.deadline} {self.stage}"


class LegalStep(models.Model):
    """A step the law requires in a violence or child-protection case, with its own deadline."""

    class Step(models.TextChoices):
        MANDATORY_REPORT = "mandatory_report", _("强制报告")
        POLICE_WARNING = "police_warning", _("告诫书及跟进查访")
        PROTECTION_ORDER = "protection_order", _("代为申请人身安全保护令")
        SHELTER_REFERRAL = "shelter_referral", _("转介庇护")

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="legal_steps", verbose_name=_("诉求")
    )
    step = models.CharField(max_length=24, choices=Step.choices, verbose_name=_("法律步骤"))
    details = EncryptedJSONField(default=dict, blank=True, verbose_name=_("详情"))
    due = models.DateTimeField(null=True, blank=True, verbose_name=_("期限"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))
    outcome = EncryptedTextField(blank=True, default="", verbose_name=_("结果"))

    class Meta:
        verbose_name = pgettext_lazy("model", "法律步骤")
        verbose_name_plural = pgettext_lazy("plural", "法律步骤")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.step}"


class BreakGlassGrant(models.Model):
    """Time-limited access in full to a protected concern, asked for with a reason."""

    # Indexed by (user, concern, expires_at) below.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("用户"),
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="break_glass", verbose_name=_("诉求")
    )
    reason = EncryptedTextField(verbose_name=_("紧急查看原因"))
    granted_at = models.DateTimeField(verbose_name=_("授权时间"))
    expires_at = models.DateTimeField(verbose_name=_("过期时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "紧急查看授权")
        verbose_name_plural = pgettext_lazy("plural", "紧急查看授权")
        indexes = [models.Index(fields=["user", "concern", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.concern_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class SweepRun(models.Model):
    """When a periodic sweep last finished (one row per sweep): /healthz reports a stalled one."""

    name = models.CharField(max_length=32, unique=True, verbose_name=_("任务名"))
    finished_at = models.DateTimeField(verbose_name=_("完成时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "定时巡检记录")
        verbose_name_plural = pgettext_lazy("plural", "定时巡检记录")

    def __str__(self) -> str:
        return f"{self.name} {self.finished_at:%Y-%m-%d %H:%M}"
