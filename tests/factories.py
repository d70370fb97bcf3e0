import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from privacyops.core import roles

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@infoserv.eu")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


def user_with_role(role: str, **kwargs):
    return UserFactory(role=role, **kwargs)


ROLE_NAMES = [roles.LEGAL, roles.AUDITOR, roles.ACCOUNT_REPRESENTATIVE]


class DataSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subjects.DataSubject"

    kind = "customer_contact"
    full_name = factory.Faker("name")
    title = factory.Faker("job")
    login_name = factory.Sequence(lambda n: f"login{n}")


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subjects.ContactPoint"

    subject = factory.SubFactory(DataSubjectFactory)
    kind = "email"
    value = factory.Sequence(lambda n: f"person{n}@example.com")
    is_primary = True


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subjects.Account"

    account_number = factory.Sequence(lambda n: f"ACC-{n:05d}")
    company_name = factory.Faker("company")
    registration_number = factory.Sequence(lambda n: f"BG{200000000 + n}")
    vat_number = factory.LazyAttribute(lambda a: a.registration_number)
    billing_address = factory.Faker("address")


class ActivityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subjects.ActivityEvent"

    occurred_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
    ip = factory.Faker("ipv4")
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"
    browser = "Chrome"
    operating_system = "Linux"
    page = "/pricing"
    referrer = "https://www.google.com/"
    subject = factory.SubFactory(DataSubjectFactory)
    login = factory.LazyAttribute(lambda e: e.subject.login_name if e.subject else "")
