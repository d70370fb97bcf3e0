from django.urls import path

from . import views

app_name = "dsr"
urlpatterns = [
    path("request/", views.request_form, name="request"),
    path("request/confirm/<str:token>/", views.request_confirm, name="confirm"),
    path("package/<str:token>/", views.package_download, name="package"),
]
