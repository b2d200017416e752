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


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

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
    lead_area = factory.SubFactory(AreaFactory)
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
