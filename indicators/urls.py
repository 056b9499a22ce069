from django.urls import path

from indicators.views import (contributions, dashboards, drafts, evidence, exports, health, imports, issued, organisations, season,
                              targets)

# The "year" and "id" converters are registered in IndicatorsConfig.ready (the admin uses them too).

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", dashboards.overview, name="overview"),
    path("departments/<str:code>/", dashboards.department, name="department"),
    path("organisations/<str:code>/", organisations.organisation_overview, name="organisation_overview"),
    path("indicators/<id:pk>/", dashboards.indicator, name="indicator"),
    path("plans/<id:pk>/final/", dashboards.final_assessment_page, name="final_assessment"),
    path("plans/<id:pk>/targets.xlsx", targets.target_proposals_xlsx, name="target_proposals_xlsx"),
    path("evidence/<id:pk>/", evidence.evidence_download, name="evidence_download"),
    path("plans/<id:pk>/issue/", issued.issue_document, name="issue_document"),
    path("issued/<id:pk>/", issued.issued_download, name="issued_download"),
    path("export/<year:year>.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("export/<year:year>-brief.docx", exports.export_brief, name="export_brief"),
    path("import/", imports.import_upload_default, name="import_upload_default"),
    path("import/template/<year:year>.xlsx", exports.import_template, name="import_template"),
    path("import/<year:year>/", imports.import_upload, name="import_upload"),
    path("drafts/", drafts.switch_drafts, name="switch_drafts"),
    path("my/", season.my_queue, name="my_queue"),
    path("review/", season.review_default, name="review_default"),
    path("review/<year:year>/", season.review_desk, name="review_desk"),
    path("contributions/<year:year>/", contributions.contributions_page, name="contributions"),
    path("contributions/<year:year>/ask/", contributions.ask, name="ask_contributions"),
]
