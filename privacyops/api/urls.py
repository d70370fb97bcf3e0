from django.urls import path

from . import consents, subjects, views

app_name = "api"

urlpatterns = [
    path("consents/", consents.ConsentsView.as_view(), name="consents"),
    path("accounts/", subjects.AccountsView.as_view(), name="accounts"),
    path("events/", views.EventsView.as_view(), name="events"),
    path("may-send/", views.MaySendView.as_view(), name="may-send"),
    path("requests/", views.RequestsView.as_view(), name="requests"),
    path("subjects/", subjects.SubjectsView.as_view(), name="subjects"),
]
