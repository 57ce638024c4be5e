"""URL composition root: the only place that names every app.

Pages of a cooperative live under /c/<cooperative_slug>/, its API under
/api/v1/c/<cooperative_slug>/; the tenancy middleware checks membership for both.
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounting import urls as accounting_urls
from bank import urls as bank_urls
from entrepreneurs import urls as entrepreneurs_urls
from governance import urls as governance_urls
from payroll import urls as payroll_urls
from perspectives.accounts import views as account_views
from perspectives.core import styleguide
from perspectives.core import views as core_views
from perspectives.tenancy import urls as tenancy_urls
from purchases import urls as purchases_urls
from sales import urls as sales_urls
from top.dashboards import urls as dashboards_urls
from top.onboarding import urls as onboarding_urls

# Staff log in to the admin through allauth too, so rate limits and two-factor login apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

tenant_patterns: list[URLPattern | URLResolver] = [
    *dashboards_urls.urlpatterns,
    *entrepreneurs_urls.urlpatterns,
    *tenancy_urls.tenant_urlpatterns,
    *onboarding_urls.tenant_urlpatterns,
    path("accounting/", include(accounting_urls.urlpatterns)),
    path("payroll/", include(payroll_urls.urlpatterns)),
    path("governance/", include(governance_urls.urlpatterns)),
    path("sales/", include(sales_urls.urlpatterns)),
    path("purchases/", include(purchases_urls.urlpatterns)),
    path("bank/", include(bank_urls.urlpatterns)),
]

tenant_api_patterns: list[URLPattern | URLResolver] = [
    *tenancy_urls.tenant_api_urlpatterns,
    *entrepreneurs_urls.api_urlpatterns,
    *dashboards_urls.api_urlpatterns,
    *onboarding_urls.tenant_api_urlpatterns,
    path("accounting/", include(accounting_urls.api_urlpatterns)),
    path("payroll/", include(payroll_urls.api_urlpatterns)),
    path("governance/", include(governance_urls.api_urlpatterns)),
    path("sales/", include(sales_urls.api_urlpatterns)),
    path("purchases/", include(purchases_urls.api_urlpatterns)),
    path("bank/", include(bank_urls.api_urlpatterns)),
]

urlpatterns = [
    path("", include(tenancy_urls.urlpatterns)),
    path("", include(onboarding_urls.urlpatterns)),
    path("c/<slug:cooperative_slug>/", include(tenant_patterns)),
    path("api/v1/c/<slug:cooperative_slug>/", include(tenant_api_patterns)),
    path("quotes/", include(sales_urls.public_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its script from a URL: the Content-Security-Policy allows no inline one.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("accounts/api-token/", account_views.api_token, name="api_token"),
    path("styleguide/", styleguide.styleguide, name="styleguide"),
    path("", include(entrepreneurs_urls.feed_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
