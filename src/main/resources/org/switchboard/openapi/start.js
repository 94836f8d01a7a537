// Starts Swagger UI on this server's own OpenAPI document (a file, not an inline script, for the strict CSP).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
