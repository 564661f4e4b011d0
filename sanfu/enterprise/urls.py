from django.urls import path

from sanfu.enterprise import views, views_contact, views_projects, views_resources

app_name = "enterprise"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("e/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("e/<int:enterprise_id>/contacts/", views.enterprise_contacts, name="contacts"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:policy_id>/", views.policy_review, name="policy_review"),
    path("matches/<int:match_id>/review/", views.match_review, name="match_review"),
    path("imports/", views.imports, name="imports"),
]
urlpatterns += [
    path("projects/", views_projects.project_list, name="projects"),
    path("e/<int:enterprise_id>/projects/", views_projects.project_create, name="project_create"),
    path("projects/<int:project_id>/", views_projects.project_page, name="project"),
    path("approvals/<int:approval_id>/decide/", views_projects.approval_decide, name="decide"),
    path("approvals/overdue/", views_projects.approvals_overdue, name="overdue"),
    path(
        "approvals/<int:approval_id>/supervise/",
        views_projects.approval_supervise,
        name="supervise",
    ),
    path("approvals/session/", views_projects.approval_session, name="session"),
]
urlpatterns += [
    path("figures/", views.figures, name="figures"),
    path("resources/", views_resources.resource_list, name="resources"),
    path("resources/<int:resource_id>/", views_resources.resource_page, name="resource"),
    path("idle/", views_resources.idle_search, name="idle_search"),
    path("idle/<int:resource_id>/", views_resources.idle_page, name="idle"),
    path("idle/photos/<int:photo_id>/", views_resources.idle_photo, name="idle_photo"),
]
urlpatterns += [
    path("my/login/", views_contact.contact_login, name="contact_login"),
    path("my/", views_contact.contact_home, name="contact_home"),
    path("my/choose/", views_contact.contact_choose, name="contact_choose"),
    path("my/offers/<int:offer_id>/book/", views_contact.contact_book, name="contact_book"),
    path("my/bookings/<int:booking_id>/rate/", views_contact.contact_rate, name="contact_rate"),
    path("my/logout/", views_contact.contact_logout, name="contact_logout"),
    path("menu/", views_contact.menu_review, name="menu"),
    path("provider/", views_contact.provider_desk, name="provider"),
]
urlpatterns += [
    path("policies/<int:policy_id>/export.xlsx", views.policy_review_export, name="policy_export"),
]
