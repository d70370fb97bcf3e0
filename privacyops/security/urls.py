from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("undertaking/", views.undertaking, name="undertaking"),
    path("mine/", views.my_confidentiality, name="my_confidentiality"),
]
