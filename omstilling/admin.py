from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from omstilling.access import (
    ROLES_ADMINISTRATORS_GIVE,
    AccountRights,
    RefusedForbidden,
    can_invite,
    can_manage_account,
    check_account_change,
    check_own_membership_change,
)
from omstilling.forms import QuarterFieldsAdmin
from omstilling.history_admin import HistoryAdmin, KeepsHistory
from omstilling.models import AccessLog, Area, GovernanceBody, Institution, Plan, Role, User
from omstilling.services import user_apply_role, user_invite


class AccountCreationForm(forms.ModelForm):
    """A new account made by an administrator: without a password (see omstilling.access)."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "institutions")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


@admin.register(User)
class UserAdmin(KeepsHistory, DjangoUserAdmin):
    """Superusers see Django's full user admin; administrators a narrower one.

    What an administrator may do with accounts is decided in omstilling.access (the comment
    above ROLES_ADMINISTRATORS_GIVE): the forms below leave the rest out, and
    `check_account_change` refuses a forged request when it is saved.
    """

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Rolle i portalen"), {"fields": ("role", "institutions", "is_public_officeholder")}),
    )
    administrator_fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personoplysninger"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Rolle i portalen"),
            {"fields": ("role", "institutions", "is_public_officeholder", "is_active")},
        ),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    administrator_add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (_("Rolle i portalen"), {"fields": ("role", "institutions")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("role", "is_active", "is_public_officeholder", "institutions")
    search_fields = ("username", "first_name", "last_name", "email", "institutions__name")
    filter_horizontal = ("institutions", "groups", "user_permissions")
    actions = ["send_invitation"]

    @admin.action(description=_("Send invitation (brugeren vælger selv sin adgangskode)"))
    def send_invitation(self, request, queryset):
        """E-mail each chosen new account a link to choose its first password; skip (and
        name) those that may not get one (omstilling.access.can_invite)."""
        sent, skipped = [], []
        for user in queryset.order_by("username"):
            if not can_invite(request.user, user):
                skipped.append(user.username)
                continue
            user_invite(user=user, by=request.user)
            self.log_change(
                request, user, _("Invitation sendt til %(email)s") % {"email": user.email}
            )
            sent.append(user.username)
        if sent:
            self.message_user(
                request, _("Invitation sendt til: %(names)s.") % {"names": ", ".join(sent)}
            )
        if skipped:
            self.message_user(
                request,
                _(
                    "Ingen invitation til: %(names)s. En invitation sendes kun til en aktiv, ny "
                    "bruger med e-mailadresse, som aldrig har haft en adgangskode eller været "
                    "logget ind, og som du må administrere."
                )
                % {"names": ", ".join(skipped)},
                messages.WARNING,
            )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.administrator_add_fieldsets if obj is None else self.administrator_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = AccountCreationForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label)
                for value, label in [("", "---------"), *Role.choices]
                if value in ROLES_ADMINISTRATORS_GIVE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_manage_account(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_manage_account(request.user, obj)

    def user_change_password(self, request, id, form_url=""):
        # Only a superuser sets another user's password (users change their own in the portal).
        if not request.user.is_superuser:
            raise RefusedForbidden(model=User._meta.label, object_id=id)
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        # What the account could do before this change, for the check in save_related.
        form.rights_before = AccountRights.of(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        check_account_change(
            request.user, before=form.rights_before, after=AccountRights.of(form.instance)
        )
        user_apply_role(user=form.instance)


class PlanScopedAdmin:
    """Areas and bodies belong to one plan: chosen when one is added, never moved after."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "plan") if obj is not None else fields


@admin.register(Area)
class AreaAdmin(PlanScopedAdmin, KeepsHistory, admin.ModelAdmin):
    list_display = ("name", "short", "plan")
    list_filter = ("plan",)
    search_fields = ("name", "short")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Institution)
class InstitutionAdmin(KeepsHistory, admin.ModelAdmin):
    never_delete = True
    list_display = ("name", "kind", "area", "is_demo")
    list_filter = ("kind", "area", "is_demo")
    search_fields = ("name",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            # Institutions are shared by all plans; their area is one of the current plan's
            # (an earlier plan's areas have the same names).
            kwargs["queryset"] = Area.objects.filter(plan=Plan.objects.current())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(PlanScopedAdmin, HistoryAdmin):
    list_display = ("name", "kind", "plan")
    list_filter = ("kind", "plan")
    search_fields = ("name", "description", "members__first_name", "members__last_name")
    filter_horizontal = ("members",)
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        form.members_before = frozenset(obj.members.values_list("pk", flat=True) if change else ())
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        check_own_membership_change(
            request.user,
            body_pk=form.instance.pk,
            before=form.members_before,
            after=frozenset(form.instance.members.values_list("pk", flat=True)),
        )


@admin.register(Plan)
class PlanAdmin(QuarterFieldsAdmin, HistoryAdmin):
    never_delete = True
    list_display = ("title", "municipality", "is_current")


class RefusedFilter(admin.SimpleListFilter):
    """Refused access (403, or 404 on a protected row) alone, or everything else."""

    title = _("afvist adgang")
    parameter_name = "afvist"

    def lookups(self, request, model_admin):
        return [("ja", _("Kun afvist adgang")), ("nej", _("Uden afvist adgang"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(action=AccessLog.Action.REFUSED)
        if self.value() == "nej":
            return queryset.exclude(action=AccessLog.Action.REFUSED)
        return queryset


# The datatypes the filter offers: the log holds a handful; more would be a fault, not a list.
DATATYPES_SHOWN = 50


def access_log_datatypes() -> list[str]:
    """The datatypes (model labels) in the access log, in order, found without reading the log:
    one step along the (model, object_id) index per datatype (a loose index scan). `SELECT
    DISTINCT model` would read every entry of a table that is never pruned."""
    datatypes: list[str] = []
    entries = AccessLog.objects.order_by("model").values_list("model", flat=True)
    while len(datatypes) < DATATYPES_SHOWN:
        following = entries.filter(model__gt=datatypes[-1]) if datatypes else entries
        datatype = following.first()
        if datatype is None:
            break
        datatypes.append(datatype)
    return datatypes


def _request_datatypes(request) -> list[str]:
    """access_log_datatypes, looked up once per request (the filter and the search both ask)."""
    if not hasattr(request, "_access_log_datatypes"):
        request._access_log_datatypes = access_log_datatypes()
    return request._access_log_datatypes


def _datatype_name(label: str) -> str:
    """A datatype as people name it ("Henvisning"), from its model; else the label itself."""
    try:
        return capfirst(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class DatatypeFilter(admin.SimpleListFilter):
    """One datatype's entries (the Django filter on the field would read the whole log for its
    choices on every page: access_log_datatypes)."""

    title = _("datatype")
    parameter_name = "model__exact"  # the field filter's own parameter: saved links still work

    def lookups(self, request, model_admin):
        return [(label, _datatype_name(label)) for label in _request_datatypes(request)]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Administrators search the access log; nobody can add, change or delete its rows.

    The log grows with every page of child-level rows shown (40 entries a page of the
    visitation workspace) and is never pruned, so the change list asks it nothing an index
    does not answer: the period is a date filter (a date drill-down would read every entry
    for the dates it offers), the datatypes come from the index (DatatypeFilter), and the
    search is for a user or a row, exactly (get_search_results), not a substring."""

    list_display = ("at", "username", "action", "model", "object_id", "path")
    list_filter = (RefusedFilter, ("at", admin.DateFieldListFilter), "action", DatatypeFilter)
    search_fields = ("username", "object_id")  # what get_search_results looks up
    search_help_text = _(
        "Søg på et brugernavn eller en rækkes id, præcis som det står (fx 1234): "
        "brugerens eller rækkens adgangslog."
    )
    # A filtered list counts its own entries only, not the whole log once more; and no counts
    # beside the filters' choices (each would be a count over the log).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_search_results(self, request, queryset, search_term):
        """A user's entries (by the user's present username, through the user's index) or a
        row's (by its id, through the (model, object_id) index), exactly, whatever the case of
        the username."""
        term = search_term.strip()
        if not term:
            return queryset, False
        # The user's id first (a subquery here would keep PostgreSQL from combining the two
        # indexes, and it would read the log from end to end instead).
        users = list(User.objects.filter(username__iexact=term[:150]).values_list("pk", flat=True))
        row = Q(model__in=_request_datatypes(request), object_id=term[:64])
        return queryset.filter(Q(user__in=users) | row), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
