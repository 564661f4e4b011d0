from django.urls import path

from sanfu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/categories/", views.category_choices, name="category_choices"),
    path("submit/villages/", views.village_choices, name="village_choices"),
    path("submit/similar/", views.similar, name="similar"),
    path("track/", views.track_lookup, name="track"),
    path("track/<str:number>/<str:token>/", views.case, name="case"),
    path("t/<str:number>/<str:code>/", views.short_link, name="short"),
    path(
        "track/<str:number>/<str:token>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("published/", views.published, name="published"),
]
