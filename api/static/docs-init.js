// Starts Swagger UI on the API's own OpenAPI document (served from the npm package, no CDN).
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
