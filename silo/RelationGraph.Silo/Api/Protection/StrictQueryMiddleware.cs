using Microsoft.Extensions.Primitives;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// Parses the paging parameters of every <c>/v1</c> endpoint as strictly as ids: <c>limit</c> is digits only
/// (no sign, no spaces, so <c>+5</c>, <c>%2B5</c> and <c>5%20</c> are refused), and neither <c>limit</c> nor
/// <c>cursor</c> may be given twice. The range check stays with the endpoint.
/// </summary>
internal sealed class StrictQueryMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || !context.Request.QueryString.HasValue)
        {
            return next(context);
        }

        var query = context.Request.Query;
        var limit = query["limit"];
        if (limit.Count > 1 || query["cursor"].Count > 1)
        {
            return Refuse(context, "limit and cursor may each be given once.");
        }

        return limit.Count == 1 && !IsDigits(limit)
            ? Refuse(context, $"limit must be a whole number written with digits only, from 1 to {Abstractions.PageRequest.MaxLimit}.")
            : next(context);
    }

    private static bool IsDigits(StringValues value) =>
        value.ToString() is { Length: > 0 and <= 9 } text && text.All(char.IsAsciiDigit);

    private static Task Refuse(HttpContext context, string detail) =>
        ApiProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid argument", detail);
}
