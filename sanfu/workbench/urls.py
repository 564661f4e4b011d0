from django.urls import path

from sanfu.workbench.views import case, dashboard, intake, lists, supervision

app_name = "workbench"
urlpatterns = [
    path("", lists.home, name="home"),
    path("export/", lists.export, name="export"),
    path("cases/<int:case_id>/", case.case_page, name="case"),
    path("cases/<int:case_id>/do/<str:action>/", case.case_action, name="case_action"),
    path("cases/<int:case_id>/reveal/", case.reveal, name="reveal"),
    path("intake/", intake.intake, name="intake"),
    path("supervision/", supervision.board, name="supervision"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/cases/", dashboard.drill, name="drill"),
]
