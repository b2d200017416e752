
app_name = "investments"

urlpatterns: list = []
