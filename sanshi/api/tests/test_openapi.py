from __future__ import annotations

import re

from django.test import Client


def _schema():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_served_without_a_token():
    schema = _schema()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"}
    }


def test_every_operation_documents_its_errors():
    operations = [
        (path, method, op)
        for path, item in _schema()["paths"].items()
        for method, op in item.items()
    ]
    # 6: network; 4: agencies, duties; 3: attachments; 4: volunteers
    assert len(operations) == 31 + 6 + 4 + 3 + 4
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"400", "401", "413", "429"} <= codes, (method, path)
        if method == "post" and "{concern_id}" in path:
            assert {"403", "404", "409"} <= codes, (method, path)
        for code, answer in op["responses"].items():
            if code.startswith("4"):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", (method, path, code)
        assert op["security"] == [{"BearerToken": []}], (method, path)


def test_request_bodies_forbid_unknown_fields():
    schemas = _schema()["components"]["schemas"]
    bodies = [name for name in schemas if name.endswith("In")]
    # 3: network; 1: agencies; 1: SafeContactIn; 1: volunteers (ServiceIn)
    assert len(bodies) == 19 + 3 + 1 + 1 + 1
    for name in bodies:
        assert schemas[name]["additionalProperties"] is False, name


def test_the_browsable_docs_load_swagger_ui_from_this_site():
    from django.contrib.staticfiles import finders

    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    assert re.findall(r'<link [^>]*href="([^"]+)"', page)[0] == "/static/ninja/swagger-ui.css"
    assert "cdn" not in page.lower() and "//" not in "".join(scripts)
    for path in (*scripts, "/static/ninja/swagger-ui.css"):
        assert finders.find(path.removeprefix("/static/")) is not None, path
    # The site's policy allows only its own scripts: these are.
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_no_two_schemas_share_a_name():
    """The OpenAPI document names components by class name: two classes called
    MeOut made GET /api/v1/me document the volunteer's record instead of the user's."""
    from ninja import Schema

    _schema()  # builds every router, so every schema class is imported

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(Schema) if cls.__module__.startswith("sanshi.")]
    names = [cls.__name__ for cls in ours]
    assert len(ours) > 50
    assert sorted({name for name in names if names.count(name) > 1}) == []
    me = _schema()["paths"]["/api/v1/me"]["get"]["responses"]["200"]
    assert me["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/MeOut"
    assert "roles" in _schema()["components"]["schemas"]["MeOut"]["properties"]
