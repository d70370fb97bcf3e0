from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("security/report/", views.report, name="report"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
