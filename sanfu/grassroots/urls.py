from django.urls import path

from sanfu.grassroots import views

app_name = "grassroots"
urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("lists/", views.lists_index, name="lists"),
    path("lists/<str:code>/", views.unit_lists, name="unit_lists"),
    path("lists/<str:code>/lists.xlsx", views.unit_lists_xlsx, name="unit_lists_xlsx"),
    path("lists/<str:code>/print/<str:kind>/", views.unit_lists_print, name="unit_lists_print"),
    path("public/<str:code>/", views.public_lists, name="public_lists"),
    path("figures/", views.figures_page, name="figures"),
    path("burden/", views.burden, name="burden"),
    path("burden/report/", views.burden_report, name="burden_report"),
    path("burden/<int:demand_id>/", views.demand, name="demand"),
]
