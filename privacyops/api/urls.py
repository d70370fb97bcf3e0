from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("events/", views.EventsView.as_view(), name="events"),
    path("may-send/", views.MaySendView.as_view(), name="may-send"),
    path("requests/", views.RequestsView.as_view(), name="requests"),
]
