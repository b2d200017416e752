"""Notifications: what happened that a person should know (in the portal and by e-mail), what
each person wants e-mailed, and the things a person follows.

A low layer: it imports only the core, so every app above it can notify. The thing a
notification is about is a generic relation, with its address and title copied at the time,
so the list renders without fetching the things themselves."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import NOTE_LENGTH, TITLE_LENGTH
from omstilling.fields import ScreenedCharField, ScreenedTextField

# A portal path ("/plan/tiltag/12/"), written by the portal itself.
URL_LENGTH = 500
# "<what>:<pk>:<step>", written by the portal itself: the same event is never notified twice.
EVENT_KEY_LENGTH = 200


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Du er nævnt")
    UPDATE_REQUESTED = "update_requested", _("Der er bedt om en opdatering")
    APPROVED = "approved", _("Din opdatering er godkendt")
    SENT_BACK = "sent_back", _("Din opdatering er sendt tilbage")
    ROUND_OPENED = "round_opened", _("En opdateringsrunde er åbnet")
    ROUND_DEADLINE = "round_deadline", _("Fristen for en opdateringsrunde nærmer sig")
    ROUND_OVERDUE = "round_overdue", _("Fristen for en opdateringsrunde er overskredet")
    FOLLOWED_CHANGE = "followed_change", _("Et tiltag, du følger, er ændret")


class EmailChoice(models.TextChoices):
    EACH = "each", _("En e-mail for hver notifikation")
    DIGEST = "digest", _("Én samlet e-mail om dagen")
    NONE = "none", _("Ingen e-mails (kun i portalen)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modtager"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("slags"), max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("udført af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    url = models.CharField(_("adresse"), max_length=URL_LENGTH)
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    text = ScreenedTextField(_("tekst"), max_length=NOTE_LENGTH, blank=True)
    event_key = models.CharField(_("hændelse"), max_length=EVENT_KEY_LENGTH)
    created_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)
    # Set when the notification went out by e-mail (alone or in a digest): never twice.
    emailed_at = models.DateTimeField(_("sendt på e-mail"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            # the list page and the header's unread count
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox_idx"),
            # the daily digest: not yet e-mailed
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notif_unmailed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants notifications e-mailed. No row: the default (one e-mail each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.EACH
    )

    class Meta:
        verbose_name = _("notifikationsindstilling")
        verbose_name_plural = _("notifikationsindstillinger")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class Follow(models.Model):
    """A person follows a thing (a tiltag): its changes are notified to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("følger")
        verbose_name_plural = _("følgere")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="follow_once"
            ),
        ]
        indexes = [
            # the followers of one thing
            models.Index(fields=["target_type", "target_id"], name="follow_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.target_type_id}:{self.target_id}"
