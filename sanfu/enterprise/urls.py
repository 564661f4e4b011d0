from django.urls import path

from sanfu.enterprise import views

app_name = "enterprise"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("e/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:policy_id>/", views.policy_review, name="policy_review"),
    path("matches/<int:match_id>/review/", views.match_review, name="match_review"),
    path("imports/", views.imports, name="imports"),
]
