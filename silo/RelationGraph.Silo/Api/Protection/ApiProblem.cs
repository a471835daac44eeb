using Microsoft.AspNetCore.Mvc;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>Answers a request from the edge middleware as <c>application/problem+json</c>, the way the endpoints' own errors answer.</summary>
internal static class ApiProblem
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
