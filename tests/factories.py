import datetime as dt

import factory

from omstilling.models import Area, GovernanceBody, Institution, Plan, Role, User
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    role = Role.CHEFGRUPPE
    password = factory.django.Password("pw")


def current_or_new_plan() -> Plan:
    """Areas and bodies belong to a plan: the current one when a test has made one."""
    return Plan.objects.current() or PlanFactory()


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("plan", "slug")

    plan = factory.LazyFunction(current_or_new_plan)
    slug = factory.Sequence(lambda n: f"omraade-{n}")
    name = factory.Sequence(lambda n: f"Område {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Skole {n} (demo)")
    kind = Institution.Kind.SKOLE
    is_demo = True


class GovernanceBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceBody

    plan = factory.LazyFunction(current_or_new_plan)
    slug = factory.Sequence(lambda n: f"gruppe-{n}")
    name = factory.Sequence(lambda n: f"Arbejdsgruppe {n}")
    kind = GovernanceBody.Kind.ARBEJDSGRUPPE


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = "Flere børn og unge sammen – i lokale fællesskaber"
    municipality = "Testkommune"
    department = "Børn & Unge"
    committee = "Børne- og Familieudvalget"
    start_quarter = dt.date(2024, 4, 1)
    end_quarter = dt.date(2027, 10, 1)


class SporFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spor

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.LazyAttribute(lambda s: f"spor-{s.number}")
    title = factory.LazyAttribute(lambda s: f"Spor nummer {s.number}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    spor = factory.SubFactory(SporFactory)
    plan = factory.LazyAttribute(lambda i: i.spor.plan)
    slug = factory.Sequence(lambda n: f"tiltag-{n}")
    title = factory.Sequence(lambda n: f"Tiltag {n}")
    description = "Et tiltag i planen."
    lead_area = factory.SubFactory(AreaFactory, plan=factory.SelfAttribute("..plan"))
    start_quarter = dt.date(2025, 1, 1)
    end_quarter = dt.date(2025, 10, 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    slug = factory.Sequence(lambda n: f"milepael-{n}")
    title = factory.Sequence(lambda n: f"Milepæl {n}")
    planned_quarter = dt.date(2025, 7, 1)


class RecommendationThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationTheme

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"tema-{n}")
    title = "Styrkelse af almenområdet"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    theme = factory.SubFactory(RecommendationThemeFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"anbefaling-{n}")
    text = "Styrke det gode udviklende fællesskab."


# --- investments (the 50 mio. kr. pool) ------------------------------------------------------
# Factories write rows directly, in any state; tests of the rules go through the services.

from decimal import Decimal  # noqa: E402

from investments.models import (  # noqa: E402
    DevelopmentSchool,
    Investment,
    InvestmentDecision,
    InvestmentState,
    Spending,
)


class DevelopmentSchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentSchool

    plan = factory.SubFactory(PlanFactory)
    school = factory.SubFactory(InstitutionFactory)
    order = factory.Sequence(lambda n: n + 1)


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investment

    development_school = factory.SubFactory(DevelopmentSchoolFactory)
    plan = factory.LazyAttribute(lambda i: i.development_school.plan)
    title = factory.Sequence(lambda n: f"Investering {n}")
    purpose = "Flere børn i de almene fællesskaber."
    amount = Decimal("1000000.00")
    state = InvestmentState.KLADDE
    created_by = factory.SubFactory(UserFactory)


class InvestmentDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentDecision

    investment = factory.SubFactory(InvestmentFactory)
    from_state = InvestmentState.BEHANDLET_BFU
    to_state = InvestmentState.GODKENDT
    decided_on = dt.date(2025, 3, 1)
    reference = "sag 1"
    by = factory.SubFactory(UserFactory)


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    investment = factory.SubFactory(InvestmentFactory)
    spent_on = dt.date(2025, 6, 1)
    amount = Decimal("1000.00")
    by = factory.SubFactory(UserFactory)


# --- supportsystem ------------------------------------------------------------------------------
from supportsystem.models import (  # noqa: E402
    ConcernType,
    Forloeb,
    Stage,
    SupportActor,
)


class SupportActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportActor

    slug = factory.Sequence(lambda n: f"aktoer-{n}")
    name = factory.Sequence(lambda n: f"Aktør {n}")
    kind = SupportActor.Kind.EKSTERNT
    competences = "Sparring om læringsmiljøet"


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"trin-{n}")
    name = factory.Sequence(lambda n: f"Trin {n}")
    order = factory.Sequence(lambda n: n)


class ForloebFactory(factory.django.DjangoModelFactory):
    """A community forløb at a given stage, written directly (no history); use the services
    (supportsystem.services.forloeb_open …) where the history matters."""

    class Meta:
        model = Forloeb

    institution = factory.SubFactory(InstitutionFactory)
    concern_type = ConcernType.FAELLESSKAB
    label = factory.Sequence(lambda n: f"{n % 9 + 1}.a")
    current_stage = factory.SubFactory(StageFactory)
    opened_on = dt.date(2025, 9, 1)


from omstilling.privacy import case_key  # noqa: E402
from visitation.models import (  # noqa: E402
    AgeGroup,
    ExternalSupport,
    KpiIndicator,
    KpiTarget,
    Level,
    PreReferral,
    Referral,
    SpecialOfferCount,
)


class PreReferralFactory(factory.django.DjangoModelFactory):
    """A før-henvisning written directly, with the key of case number "TEST-F-<n>"; use
    visitation.services where the access log and history matter."""

    class Meta:
        model = PreReferral

    institution = factory.SubFactory(InstitutionFactory)
    age_group = AgeGroup.SKOLE_1_3
    case_key = factory.Sequence(lambda n: case_key(f"TEST-F-{n:04d}"))
    held_on = dt.date(2026, 2, 2)
    led_by = ExternalSupport.PPR


class ReferralFactory(factory.django.DjangoModelFactory):
    """A henvisning written directly, with the key of case number "TEST-H-<n>"."""

    class Meta:
        model = Referral

    institution = factory.SubFactory(InstitutionFactory)
    age_group = AgeGroup.SKOLE_1_3
    case_key = factory.Sequence(lambda n: case_key(f"TEST-H-{n:04d}"))
    received_on = dt.date(2026, 2, 16)


class SpecialOfferCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialOfferCount

    institution = factory.SubFactory(InstitutionFactory)
    quarter = dt.date(2026, 7, 1)
    level = Level.SKOLE
    children_in_special_offers = 10


class KpiTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiTarget

    indicator = KpiIndicator.SPECIAL_TOTAL
    quarter = dt.date(2026, 7, 1)
    target = Decimal(50)
