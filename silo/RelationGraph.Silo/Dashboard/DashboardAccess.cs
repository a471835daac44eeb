using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// The bearer token of <see cref="DashboardOptions.BearerToken"/> in front of everything under <c>/dashboard</c>: the
/// Orleans Dashboard and RelationGraph's page and APIs. A missing or wrong token answers 401.
/// </summary>
internal sealed class DashboardAccess(RequestDelegate next, IOptions<DashboardOptions> options)
{
    public const string CookieName = "relationgraph_dashboard";

    private readonly byte[]? _token = options.Value.BearerToken is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_token is null || !context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var fromQuery = context.Request.Query["token"].ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim()
            : fromQuery.Length > 0 ? fromQuery
            : context.Request.Cookies[CookieName];
        if (presented is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"dashboard\"";
            return;
        }

        if (fromQuery.Length > 0)
        {
            // The page's own requests (and the Orleans Dashboard's) then carry it without the token in every URL.
            context.Response.Cookies.Append(CookieName, fromQuery, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/dashboard" });
        }

        await next(context);
    }
}
