"""Comments on a tiltag or a milestone, with mentions.

A Comment holds what the thread shows now (its text, whether chefgruppen has marked it for the
committee, whether it is withdrawn); every change to it is a CommentRevision, so the history of
a comment is kept whole: written, edited, marked or unmarked for the committee, withdrawn. A
comment is never deleted (a withdrawn one leaves a marker), revisions and mentions are
append-only, and on PostgreSQL triggers refuse what would break that.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.fields import ScreenedTextField
from omstilling.models import Plan
from tracks.models import Initiative, Milestone

COMMENT_LENGTH = 2_000  # as a status narrative (omstilling.bounds.STATUS_LENGTH)


class Comment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="comments")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skrevet af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skrevet"), default=timezone.now)
    text = ScreenedTextField(_("kommentar"), max_length=COMMENT_LENGTH, blank=True)
    for_committee = models.BooleanField(_("for udvalget"), default=False)
    edited_at = models.DateTimeField(_("redigeret"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        constraints = [
            models.CheckConstraint(
                condition=Q(initiative__isnull=False, milestone__isnull=True)
                | Q(initiative__isnull=True, milestone__isnull=False),
                name="comment_on_one_thing",
            ),
        ]
        indexes = [
            # a thread, oldest first (the page) and newest first (the section)
            models.Index(fields=["initiative", "created_at"], name="comment_initiative_idx"),
            models.Index(fields=["milestone", "created_at"], name="comment_milestone_idx"),
        ]

    def __str__(self) -> str:
        return _("Kommentar af %(author)s") % {"author": self.author}

    @property
    def target(self):
        return self.initiative or self.milestone

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RevisionKind(models.TextChoices):
    WRITTEN = "skrevet", _("Skrevet")
    EDITED = "redigeret", _("Redigeret")
    MARKED = "markeret", _("Markeret for udvalget")
    UNMARKED = "afmarkeret", _("Ikke længere for udvalget")
    WITHDRAWN = "trukket", _("Trukket tilbage")


class CommentRevision(models.Model):
    """One change to a comment, with the comment as it stood after it. Rows are only added."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("ændring"), max_length=20, choices=RevisionKind.choices)
    text = ScreenedTextField(_("kommentar"), max_length=COMMENT_LENGTH, blank=True)
    for_committee = models.BooleanField(_("for udvalget"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("af"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)

    class Meta:
        ordering = ["comment", "version"]
        verbose_name = _("kommentarens historik")
        verbose_name_plural = _("kommentarernes historik")
        constraints = [
            models.UniqueConstraint(fields=["comment", "version"], name="revision_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} v{self.version}: {self.get_kind_display()}"


class Mention(models.Model):
    """A user named with @brugernavn in a comment (notified once). Rows are only added."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentions"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("omtale")
        verbose_name_plural = _("omtaler")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_once_per_comment"),
        ]

    def __str__(self) -> str:
        return f"@{self.user}"
