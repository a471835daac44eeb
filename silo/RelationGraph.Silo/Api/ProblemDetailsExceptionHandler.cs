using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;

namespace RelationGraph.Silo.Api;

/// <summary>
/// Maps failures to <c>application/problem+json</c>: bad input 400, an action refused by a block 403 (the target blocks
/// the actor) or 409 (the actor blocks the target), a deleted user 410, a rate limit 429 and back-pressure 503 (both with <c>Retry-After</c>),
/// an unreachable shard 503, a grain call that timed out 504, anything else 500 without internals.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            RelationBlockedException { BlockedByTarget: true } blocked => (StatusCodes.Status403Forbidden, "Blocked", blocked.Message),
            RelationBlockedException blocking => (StatusCodes.Status409Conflict, "Unblock first", blocking.Message),
            UserDeletedException deleted => (StatusCodes.Status410Gone, "User deleted", deleted.Message),
            ArgumentException argument => (StatusCodes.Status400BadRequest, "Invalid argument", argument.Message),
            RateLimitedException limited => (StatusCodes.Status429TooManyRequests, "Too many requests", limited.Message),
            ShardUnavailableException shard => (StatusCodes.Status503ServiceUnavailable, "Shard unavailable", shard.Message),
            OverloadedException overloaded => (StatusCodes.Status503ServiceUnavailable, "Overloaded", overloaded.Message),
            TimeoutException timeout => (StatusCodes.Status504GatewayTimeout, "Timeout", timeout.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The request failed; see the silo log."),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogFailed(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (status > StatusCodes.Status500InternalServerError)
        {
            // An outage fails every call; the shard logs its own transitions once each (Shard.Availability), so the
            // per-request line stays at debug and carries no stack trace.
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, status, exception.Message);
        }

        httpContext.Response.StatusCode = status;
        if (RetryAfter(exception) is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>When a retry may succeed: a rate limit knows; back-pressure clears as the queue drains, within a second or so.</summary>
    private static TimeSpan? RetryAfter(Exception exception) => exception switch
    {
        RateLimitedException limited => limited.RetryAfter,
        OverloadedException => TimeSpan.FromSeconds(1),
        _ => null,
    };

    [LoggerMessage(1, LogLevel.Error, "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} answered {Status}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, int status, string reason);
}
