namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// Answers HEAD like GET without a body (RFC 9110 §9.3.2), for every GET endpoint, including those mapped with
/// <c>MapGet</c> only: the request is routed as GET and whatever the endpoint writes is discarded.
/// </summary>
internal sealed class HeadAsGetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        context.Request.Method = HttpMethods.Get;
        var body = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }
    }
}
