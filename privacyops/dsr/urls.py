from django.urls import path

from . import fulfilment_views, views

app_name = "dsr"
urlpatterns = [
    path("request/", views.request_form, name="request"),
    path("request/confirm/<str:token>/", views.request_confirm, name="confirm"),
    path("package/<str:token>/", fulfilment_views.package_download, name="package"),
]
