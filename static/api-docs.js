// The API documentation page (/api/v1/docs): Swagger UI, served from static/vendor/swagger-ui,
// reading the API's own schema. A file rather than an inline script: the CSP allows 'self' only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No badge from the public validator service: nothing leaves this site.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 1,
    docExpansion: "list",
  });
});
