"""Selection pages: promotions, batches, the frontline-quota panel."""

from django.urls import path

from apps.selection.views import promotions, quota

urlpatterns = [
    path("promotions/", promotions.promotion_list_view, name="promotion_list"),
    path("promotions/plan/", promotions.promotion_plan_view, name="promotion_plan"),
    path("promotions/<int:pk>/", promotions.promotion_detail_view, name="promotion_detail"),
    path(
        "promotions/<int:pk>/confirm/", promotions.promotion_confirm_view, name="promotion_confirm"
    ),
    path(
        "promotions/<int:pk>/withdraw/",
        promotions.promotion_withdraw_view,
        name="promotion_withdraw",
    ),
    path("batches/", promotions.batch_list_view, name="batch_list"),
    path("batches/<int:pk>/", promotions.batch_detail_view, name="batch_detail"),
    path("quota/", quota.quota_panel_view, name="quota_panel"),
]
