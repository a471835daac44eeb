using System.Text;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// Adds a link to RelationGraph's page on the Orleans Dashboard's own page, whose navigation takes no entries of ours
/// (Orleans.Dashboard 10 has no option for one): the dashboard's index page gets a fixed link before its closing body tag.
/// </summary>
internal sealed class DashboardLink(RequestDelegate next)
{
    private const string Marker = "</body>";
    private static readonly string Link =
        $"<a href=\"{DashboardExtensions.PagePath}\" data-testid=\"relationgraph-link\" style=\"position:fixed;right:12px;bottom:12px;z-index:10000;" +
        "padding:6px 10px;border-radius:4px;background:#2c3e50;color:#fff;font:13px sans-serif;text-decoration:none\">RelationGraph views</a>";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || !IsDashboardIndex(context.Request.Path))
        {
            await next(context);
            return;
        }

        // The page is served compressed and cached by its ETag; ask for it plain and whole, so it can be changed.
        context.Request.Headers.AcceptEncoding = default;
        context.Request.Headers.IfNoneMatch = default;
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = buffer.ToArray();
        if (context.Response.StatusCode == StatusCodes.Status200OK && context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(body);
            var at = html.LastIndexOf(Marker, StringComparison.OrdinalIgnoreCase);
            body = Encoding.UTF8.GetBytes(at < 0 ? html + Link : html.Insert(at, Link));
            context.Response.Headers.ETag = default;
            context.Response.ContentLength = body.Length;
        }

        await original.WriteAsync(body, context.RequestAborted);
    }

    private static bool IsDashboardIndex(PathString path) =>
        path.Equals("/dashboard/", StringComparison.OrdinalIgnoreCase) || path.Equals("/dashboard/index.html", StringComparison.OrdinalIgnoreCase);
}
