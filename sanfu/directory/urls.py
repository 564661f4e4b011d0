from django.urls import path

from sanfu.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
]
