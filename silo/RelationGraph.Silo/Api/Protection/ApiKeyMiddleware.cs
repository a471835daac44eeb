using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// Authenticates and authorizes every <c>/v1</c> request (and <c>/metrics</c> when <see cref="ApiOptions.ProtectMetrics"/>)
/// by its <c>Authorization: Bearer</c> key: 401 for a missing or unknown key, 403 for a key without the scope. Runs after
/// routing, so endpoints added anywhere under <c>/v1</c> are covered by default (see <see cref="ApiScopes"/>).
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRing keys, IOptions<ApiOptions> options)
{
    /// <summary>The claim type of a caller's scopes.</summary>
    public const string ScopeClaim = "scope";

    public Task InvokeAsync(HttpContext context)
    {
        if (RequiredScope(context) is not { } scope)
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization;
        if (header.Count != 1 || header.ToString() is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.Length <= 7)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiProblem.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "This endpoint needs an API key: send 'Authorization: Bearer <key>'.");
        }

        if (keys.Find(value[7..].Trim()) is not { } caller)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return ApiProblem.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "The API key is not valid.");
        }

        if (!caller.Has(scope))
        {
            return ApiProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"The API key '{caller.Name}' lacks the '{scope}' scope this request needs.");
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, caller.Name), .. caller.Scopes.Select(s => new Claim(ScopeClaim, s))], authenticationType: "ApiKey"));
        return next(context);
    }

    private string? RequiredScope(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return context.GetEndpoint()?.Metadata.GetMetadata<ApiScopeMetadata>()?.Scope
                ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? ApiScopes.Read : ApiScopes.Write);
        }

        return options.Value.ProtectMetrics && path.StartsWithSegments("/metrics", StringComparison.Ordinal) ? ApiScopes.Read : null;
    }
}
