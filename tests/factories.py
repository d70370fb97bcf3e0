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
