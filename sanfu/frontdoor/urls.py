from django.urls import path

from sanfu.frontdoor.views import public, staff

app_name = "frontdoor"
urlpatterns = [
    # Public (portal) pages.
    path("services/", public.services, name="services"),
    path("services/<int:service_id>/", public.service, name="service"),
    path("surveys/", public.survey_list, name="surveys"),
    path("surveys/<int:survey_id>/", public.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/thanks/", public.survey_thanks, name="survey_thanks"),
    path("report-a-cadre/", public.report_submit, name="report_submit"),
    path("clearing/", public.clearing_notices, name="clearing_notices"),
    # Staff pages.
    path("frontdoor/", staff.home, name="home"),
    path("frontdoor/services/import/", staff.service_import, name="service_import"),
    path("frontdoor/services/new/", staff.service_add, name="service_add"),
    path("frontdoor/services/rates/", staff.service_rates, name="service_rates"),
    path("frontdoor/surveys/", staff.survey_list, name="staff_surveys"),
    path("frontdoor/surveys/<int:survey_id>/", staff.survey_edit, name="survey_edit"),
    path("frontdoor/surveys/<int:survey_id>/qr.svg", staff.survey_qr, name="survey_qr"),
    path("frontdoor/surveys/<int:survey_id>/results/", staff.survey_results, name="survey_results"),
    path(
        "frontdoor/surveys/<int:survey_id>/questions/<int:number>/groups/",
        staff.survey_text_groups,
        name="survey_text_groups",
    ),
    path("frontdoor/surveys/<int:survey_id>/export/", staff.survey_export, name="survey_export"),
    path("frontdoor/followups/<int:case_id>/", staff.followup, name="followup"),
    path("frontdoor/reports/", staff.report_list, name="reports"),
    path("frontdoor/reports/new/", staff.report_take, name="report_take"),
    path("frontdoor/reports/<int:report_id>/", staff.report_page, name="report"),
    path("frontdoor/modules/<int:town_id>/", staff.town_modules, name="modules"),
]
