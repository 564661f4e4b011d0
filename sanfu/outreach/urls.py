from django.urls import path

from sanfu.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.my_links, name="my_links"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("links/<int:link_id>/visit/", views.record, name="record"),
    path("visits/<int:visit_id>/", views.visit_page, name="visit"),
    path("visits/<int:visit_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("compliance/", views.compliance, name="compliance"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("roster/", views.roster, name="roster"),
    path("service-days/", views.service_days, name="service_days"),
    path("service-days/<int:day_id>/", views.service_day, name="service_day"),
    path("roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
]
