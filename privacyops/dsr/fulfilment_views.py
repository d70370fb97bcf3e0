"""The public page where a requester downloads their access package through the signed link."""

from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import fulfilment


@never_cache
@require_http_methods(["GET", "POST"])
def package_download(request, token: str):
    # GET only shows a button: link scanners in mail systems must not count as a download.
    try:
        package = fulfilment.access_package_for_token(token)
    except fulfilment.PackageUnavailable as error:
        return render(request, "dsr/package.html", {"error": str(error)}, status=410)
    if request.method == "GET":
        return render(request, "dsr/package.html", {"package": package})
    try:
        staff = request.user if request.user.is_authenticated and request.user.is_staff else None
        package, path = fulfilment.access_package_open(
            token=token, via=request.META.get("REMOTE_ADDR", ""), by=staff
        )
    except fulfilment.PackageUnavailable as error:
        return render(request, "dsr/package.html", {"error": str(error)}, status=410)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=package.filename,
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
