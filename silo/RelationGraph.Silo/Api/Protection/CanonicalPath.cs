namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// Whether a request target's path is canonical, judged on the raw target as the client sent it. Kestrel resolves
/// <c>..</c> and <c>%2E%2E</c> segments before routing, so <c>/v1/users/1/../2/following/3</c> would act on user 2;
/// behind a gateway that authorizes by path prefix that is a way to act as someone else.
/// </summary>
internal static class CanonicalPath
{
    /// <summary>Null when <paramref name="rawTarget"/> is canonical, else why not, in words for the caller.</summary>
    public static string? Check(string rawTarget, bool isWrite)
    {
        var end = rawTarget.IndexOfAny(['?', '#']);
        var path = end < 0 ? rawTarget : rawTarget[..end];
        if (path.Length == 0 || path[0] != '/')
        {
            return "the request target must be a path starting with '/'.";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "the path must not contain a backslash.";
        }

        if (path.Contains("%2e", StringComparison.OrdinalIgnoreCase) || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase) || path.Contains("%25", StringComparison.OrdinalIgnoreCase))
        {
            return "the path must not contain encoded dots, slashes or percent signs.";
        }

        if (path.Length == 1)
        {
            return null;
        }

        var segments = path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment is "." or "..")
            {
                return "the path must not contain '.' or '..' segments.";
            }

            if (segment.Length == 0 && (i < segments.Length - 1 || isWrite))
            {
                return i < segments.Length - 1 ? "the path must not contain empty segments ('//')." : "a write's path must not end with '/'.";
            }
        }

        return null;
    }
}
