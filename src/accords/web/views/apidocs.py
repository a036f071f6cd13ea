"""``/api/docs``: the API reference, rendered on the server from the OpenAPI document (no CDN, no JS)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..render import respond

router = APIRouter(include_in_schema=False)


def _type(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    out = schema.get("format") or kind
    limits = []
    for key, label in (("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"), ("maxLength", "length ≤")):
        if key in schema:
            limits.append(f"{label} {schema[key]}")
    if "maxItems" in schema:
        limits.append(f"at most {schema['maxItems']}")
    if "pattern" in schema:
        limits.append(f"pattern {schema['pattern']}")
    return out + (f" ({', '.join(limits)})" if limits else "")


def reference(spec: dict) -> dict:
    operations = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                params.append(
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "required": p.get("required", False),
                        "type": _type(schema)
                        + (" (repeatable)" if "array" in str(schema.get("anyOf", schema)) else ""),
                        "default": schema.get("default"),
                        "description": p.get("description", ""),
                    }
                )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": params,
                    "body": _type(body) if body else "",
                    "auth": bool(op.get("security")),
                    "responses": [
                        {"status": code, "description": r.get("description", ""), "model": _response_model(r)}
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return {"info": spec.get("info", {}), "operations": operations}


def _response_model(response: dict) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return _type(schema) if schema else ""


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return respond(request, "apidocs.html", reference(request.app.openapi()), title="REST API")
