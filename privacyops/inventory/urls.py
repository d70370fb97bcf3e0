from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("sub-processors/", views.sub_processors, name="sub_processors"),
    path("cookies/", views.cookie_declaration, name="cookies"),
    path("policy/", views.privacy_policy, name="policy"),
    path("cookies.json", views.cookie_declaration_json, name="cookies_json"),
]
