from django.urls import path

from sanfu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("pose/", views.project_pose, name="pose"),
    path("set/", views.project_set, name="set"),
    path("incident/", views.incident_open, name="incident"),
    path("figures/", views.figures_page, name="figures"),
    path("community/<int:unit_id>/", views.community, name="community"),
    path("<int:project_id>/", views.project_page, name="project"),
    path("<int:project_id>/board/", views.board, name="board"),
    path("<int:project_id>/board/live/", views.board_live, name="board_live"),
    path("<int:project_id>/board/<int:target_id>/", views.board_update, name="board_update"),
    path("<int:project_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:project_id>/<slug:action>/", views.project_act, name="act"),
]
