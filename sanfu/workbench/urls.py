from django.urls import path

from sanfu.workbench.views import (
    account,
    case,
    dashboard,
    files,
    intake,
    league,
    lists,
    login,
    routing,
    supervision,
    tokens,
)

app_name = "workbench"
urlpatterns = [
    path("", lists.home, name="home"),
    path("export/", lists.export, name="export"),
    path("cases/<int:case_id>/", case.case_page, name="case"),
    path("cases/<int:case_id>/do/<str:action>/", case.case_action, name="case_action"),
    path("cases/<int:case_id>/reveal/", case.reveal, name="reveal"),
    path("cases/<int:case_id>/files/", files.upload, name="upload"),
    path("cases/<int:case_id>/files/<int:attachment_id>/", files.download, name="attachment"),
    path("intake/", intake.intake, name="intake"),
    path("supervision/", supervision.board, name="supervision"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/cases/", dashboard.drill, name="drill"),
    path("dashboard/joined/", dashboard.joined, name="dashboard_joined"),
    path("league/", league.league, name="league"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("password/", account.password_change, name="password_change"),
    path("second-factor/", login.second_factor_settings, name="second_factor"),
    path("tokens/<int:token_id>/revoke/", tokens.revoke, name="token_revoke"),
    path("cases/<int:case_id>/routing/", routing.case_panel, name="routing_case"),
    path("cases/<int:case_id>/reply-check/", routing.reply_check, name="routing_reply_check"),
    path("intake/assist/", routing.intake_assist, name="routing_intake"),
    path("hotspots/", routing.hotspots, name="hotspots"),
    path("supervision/replies/", routing.review_board, name="routing_review_board"),
    path("routing/accuracy/", routing.accuracy, name="routing_accuracy"),
]
