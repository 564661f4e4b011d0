from django.urls import path

from sanfu.assistance import views

app_name = "assistance"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("programmes/", views.programmes, name="programmes"),
    path("imports/", views.imports, name="imports"),
    path("imports/mapping/", views.mapping, name="mapping"),
    path("imports/<int:batch_id>/", views.batch, name="batch"),
    path("imports/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:finding_id>/", views.finding_page, name="finding"),
    path("figures/", views.figures, name="figures"),
]
