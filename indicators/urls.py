from django.urls import path

from indicators.views import dashboards, evidence, exports, health, imports

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", dashboards.overview, name="overview"),
    path("departments/<str:code>/", dashboards.department, name="department"),
    path("indicators/<int:pk>/", dashboards.indicator, name="indicator"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path("export/<int:year>.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("import/", imports.import_upload_default, name="import_upload_default"),
    path("import/template/<int:year>.xlsx", exports.import_template, name="import_template"),
    path("import/<int:year>/", imports.import_upload, name="import_upload"),
]
