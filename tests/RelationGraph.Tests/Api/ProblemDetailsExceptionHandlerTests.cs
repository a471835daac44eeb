using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RelationGraph.Abstractions;
using RelationGraph.Silo.Api;

namespace RelationGraph.Tests.Api;

public sealed class ProblemDetailsExceptionHandlerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    [Fact]
    public async Task Back_pressure_answers_503_with_Retry_After()
    {
        var context = await HandleAsync(new OverloadedException("Stream queue 3 is full."));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_answers_429_with_Retry_After_in_whole_seconds_rounded_up()
    {
        var context = await HandleAsync(new RateLimitedException("Too many follows.") { RetryAfter = TimeSpan.FromSeconds(2.2) });

        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal("3", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task An_unavailable_shard_answers_503_without_Retry_After()
    {
        var context = await HandleAsync(new ShardUnavailableException("Shard 2 is down."));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
    }

    public void Dispose() => _services.Dispose();

    private async Task<HttpContext> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Response.Body = new MemoryStream();
        var handler = new ProblemDetailsExceptionHandler(_services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemDetailsExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, TestContext.Current.CancellationToken));
        return context;
    }
}
