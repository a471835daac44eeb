using Microsoft.AspNetCore.Http.Features;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>Refuses, before routing, a request whose raw path is not canonical (see <see cref="CanonicalPath"/>): 400 problem+json, nothing done.</summary>
internal sealed class CanonicalPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // In-memory hosts (the test server) fill no raw target; rebuild it from the unresolved path they pass on.
            raw = context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
        }

        var method = context.Request.Method;
        var isWrite = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        return CanonicalPath.Check(raw, isWrite) is { } reason
            ? ApiProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Path not canonical", $"Not a canonical path: {reason}")
            : next(context);
    }
}
